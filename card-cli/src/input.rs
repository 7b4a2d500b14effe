//! Reading card files, with `-` for standard input.

use std::io::Read;
use std::path::Path;

/// Reads a file's bytes, or standard input for `-`.
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(path)
    }
}

/// How a path is named in messages.
pub fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads a file (or `-`) as JSON; on failure says why on standard error and gives exit status 2.
pub fn read_json(path: &Path) -> Result<serde_json::Value, std::process::ExitCode> {
    let name = display_name(path);
    let bytes = read(path).map_err(|err| {
        eprintln!("error: cannot read {name}: {err}");
        std::process::ExitCode::from(2)
    })?;
    serde_json::from_slice(&bytes).map_err(|err| {
        eprintln!("error: {name} is not JSON: {err}");
        std::process::ExitCode::from(2)
    })
}
