//! What the tests of the `feishu-card` command share: running it, scratch files, and
//! `feishu-card emulator` as a child process that is killed when they end. Each test file is a
//! crate of its own and uses part of this.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::Output;

/// `feishu-card`, without the credentials of the environment: the tests never reach Feishu.
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_feishu-card"));
    cmd.env_remove("FEISHU_APP_ID")
        .env_remove("FEISHU_APP_SECRET");
    cmd
}

/// `feishu-card ARGS`, run to its end.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run feishu-card")
}

/// `feishu-card ARGS` with `stdin` as its standard input, run to its end.
pub fn run_with_stdin(args: &[&str], stdin: impl AsRef<[u8]>) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run feishu-card");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    pipe.write_all(stdin.as_ref())
        .expect("stdin takes the input");
    drop(pipe);
    child.wait_with_output().expect("feishu-card finishes")
}

/// A scratch directory of this test crate and process.
pub fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "feishu-card-{}-{}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("the temp dir is writable");
    dir
}

/// A scratch file holding `contents`.
pub fn scratch(name: &str, contents: &str) -> PathBuf {
    let path = scratch_dir().join(name);
    std::fs::write(&path, contents).expect("the temp dir is writable");
    path
}

/// A file of the shared corpus, `v1/…`, `v2/…` or `seed/…`.
pub fn corpus(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(file)
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What a run wrote to standard error.
pub fn stderr(out: &Output) -> String {
    text(&out.stderr)
}

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
