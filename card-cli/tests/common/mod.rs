//! `feishu-card emulator` run as a child process for the tests, and killed when they end.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};

/// The running command; killed when dropped, so that a failing test leaves no process behind.
pub struct Running {
    pub child: Child,
    /// The base URL from the first line of its output.
    pub url: String,
    /// The lines after the URL, up to "Stop with Ctrl-C.".
    pub banner: Vec<String>,
    pub stdout: BufReader<ChildStdout>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `feishu-card emulator --port 0 ARGS` and reads its URL and banner.
pub fn start(args: &[&str]) -> Running {
    start_with_port(0, args)
}

/// Starts `feishu-card emulator --port PORT ARGS` and reads its URL and banner.
pub fn start_with_port(port: u16, args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_feishu-card"))
        .arg("emulator")
        .args(["--port", &port.to_string()])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run feishu-card emulator");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut running = Running {
        child,
        url: String::new(),
        banner: Vec::new(),
        stdout: BufReader::new(stdout),
    };
    let mut first = String::new();
    running
        .stdout
        .read_line(&mut first)
        .expect("read the first line");
    running.url = first
        .trim()
        .strip_prefix("feishu-card emulator: listening on ")
        .unwrap_or_else(|| panic!("the first line gives the URL, got {first:?}"))
        .to_owned();
    loop {
        let mut line = String::new();
        let read = running
            .stdout
            .read_line(&mut line)
            .expect("read the banner");
        assert!(read > 0, "stdout closed before the banner ended");
        let line = line.trim_end().to_owned();
        let last = line == "Stop with Ctrl-C.";
        running.banner.push(line);
        if last {
            break;
        }
    }
    running
}
