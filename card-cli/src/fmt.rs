//! `feishu-card fmt`.

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `feishu-card fmt`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Card files (`-` for standard input).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn run(args: Args) -> ExitCode {
    let _ = (args.files, crate::input::read, crate::input::display_name);
    eprintln!("feishu-card fmt: not implemented yet");
    ExitCode::from(2)
}
