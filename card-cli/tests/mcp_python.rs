//! `feishu-card mcp` driven end to end by a client that is not this project's own: the official
//! Python MCP SDK, running `tests/mcp/test_mcp.py` with pytest. Most tests run the server with
//! `--emulator`; `feishu_ask_user`'s answers come over the emulator's long connection, over the
//! HTTP callback route and in process. Others run it as with real credentials against a
//! standalone `feishu-card emulator` (the same binary), whose control API plays the user, so
//! the long connection the server holds by default is tested as an agent would use it.
//!
//! The Python comes from `FEISHU_CARD_PYTHON` (a virtualenv's interpreter with `mcp` and
//! `pytest`; `.ci/run` makes one). Without it the test is skipped with a message, except in CI
//! (`CI=true`), where it fails.

use std::path::Path;
use std::process::Command;

#[test]
fn the_python_mcp_sdk_drives_the_server() {
    let python = match std::env::var("FEISHU_CARD_PYTHON") {
        Ok(p) if !p.trim().is_empty() => p,
        _ => {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "FEISHU_CARD_PYTHON is not set: CI must run the MCP tests with the Python SDK \
                 (.ci/run makes the virtualenv and sets it)"
            );
            eprintln!(
                "skipped: set FEISHU_CARD_PYTHON to a Python with `mcp` and `pytest` installed \
                 (see .ci/run) to run the MCP end-to-end tests"
            );
            return;
        }
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("mcp");
    let output = Command::new(&python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "test_mcp.py",
        ])
        .current_dir(&dir)
        .env("FEISHU_CARD_BIN", env!("CARGO_BIN_EXE_feishu-card"))
        .output()
        .unwrap_or_else(|err| panic!("cannot run {python}: {err}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the Python MCP tests failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    // pytest's last line: `N passed in …s`, and no test skipped or deselected unnoticed.
    assert!(stdout.contains(" passed"), "{stdout}");
    assert!(!stdout.contains("skipped"), "{stdout}");
}
