//! `feishu-card validate`: check cards against every rule of the registry.
//!
//! Human output reads like a compiler's: one block per problem, with the file, line and
//! column, Feishu's own path and the JSON pointer. `--format json` prints one array with an
//! object per file. The exit code is 0 when every file is valid (warnings allowed), 1 when a
//! card is invalid, 2 when a file cannot be read or is not JSON. With `--lenient`, a tag or
//! property this version does not know is a warning (see [`Check`]).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use card_core::validate::{syntax_diagnostic, validate_slice_with, Options, Policy};
use card_core::{Diagnostic, Severity};
use serde::Serialize;

/// `--lenient`, on every command that checks a card it is given and can let an unknown name
/// through: validate, send, send-form, update, mcp, preview and convert. (The typed model keeps
/// what it does not know, so `fmt` prints it back and checks nothing; `convert` writes unknowns
/// with `card!`'s escape hatch, `<raw json={…}/>` and `raw:name={…}`; `migrate` drops what it
/// does not know; `stream` writes its own cards.)
///
/// Strict is the default, as in the client and in `card!`: an unknown name in a hand-written
/// card is far more often a typo than a feature newer than this version, Feishu refuses a card
/// with a property it does not know (ErrCode 200621), and the existing exit codes of scripts
/// and CI jobs keep their meaning. `--lenient` is the way to send a component or a property
/// Feishu added after this version.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct Check {
    /// Let tags and properties this version of feishu-card does not know through, as warnings
    /// (Feishu may reject them), instead of refusing the card; everything known is still
    /// checked. For components and properties Feishu added after this version.
    #[arg(long)]
    pub lenient: bool,
}

impl Check {
    /// The validation policy chosen.
    pub fn policy(self) -> Policy {
        if self.lenient {
            Policy::Lenient
        } else {
            Policy::Strict
        }
    }

    /// The validation options chosen.
    pub fn options(self) -> Options {
        Options::new().policy(self.policy())
    }
}

/// Arguments of `feishu-card validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub check: Check,
    /// Card files (`-` for standard input).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Compiler-style messages.
    Human,
    /// One JSON array with an object per file.
    Json,
}

/// The verdict on one file.
#[derive(Debug, Serialize)]
struct Report {
    file: String,
    valid: bool,
    diagnostics: Vec<Diagnostic>,
    /// Where each diagnostic is in the file (1-based line and column), when it could be found.
    #[serde(skip)]
    positions: Vec<Option<(usize, usize)>>,
    /// The file could not be read or is not JSON.
    #[serde(skip)]
    unreadable: bool,
}

/// The rule id under which a file that cannot be read is reported. It is not a card rule, so
/// it is not in the registry's `RULES`.
const IO_READ: &str = "io.read";

fn check(path: &Path, options: Options) -> Report {
    let file = crate::input::display_name(path);
    let bytes = match crate::input::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            return Report {
                file,
                valid: false,
                diagnostics: vec![Diagnostic {
                    rule: IO_READ,
                    severity: Severity::Error,
                    path: String::new(),
                    pointer: String::new(),
                    message: format!("cannot read the file: {err}"),
                }],
                positions: vec![None],
                unreadable: true,
            }
        }
    };
    match validate_slice_with(&bytes, options) {
        Ok(diagnostics) => {
            let diagnostics = diagnostics.into_vec();
            let positions = diagnostics
                .iter()
                .map(|d| position::of_pointer(&bytes, &d.pointer))
                .collect();
            Report {
                file,
                valid: !diagnostics.iter().any(|d| d.severity == Severity::Error),
                diagnostics,
                positions,
                unreadable: false,
            }
        }
        Err(err) => Report {
            file,
            valid: false,
            diagnostics: vec![syntax_diagnostic(&err)],
            positions: vec![Some((err.line(), err.column()))],
            unreadable: true,
        },
    }
}

/// Runs `feishu-card validate`.
pub fn run(args: Args) -> ExitCode {
    let options = args.check.options();
    let reports: Vec<Report> = args.files.iter().map(|p| check(p, options)).collect();
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        Format::Json => serde_json::to_writer_pretty(&mut out, &reports)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
        Format::Human => human(&mut out, &reports),
    };
    if let Err(err) = written {
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("feishu-card validate: cannot write the result: {err}");
            return ExitCode::from(2);
        }
    }
    if reports.iter().any(|r| r.unreadable) {
        ExitCode::from(2)
    } else if reports.iter().any(|r| !r.valid) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn human(out: &mut impl Write, reports: &[Report]) -> std::io::Result<()> {
    for report in reports {
        for (d, position) in report.diagnostics.iter().zip(&report.positions) {
            writeln!(out, "{}[{}]: {}", d.severity, d.rule, d.message)?;
            match position {
                Some((line, column)) => writeln!(out, "  --> {}:{line}:{column}", report.file)?,
                None => writeln!(out, "  --> {}", report.file)?,
            }
            if !d.path.is_empty() {
                writeln!(out, "   = at {}", d.path)?;
                writeln!(out, "   = pointer `{}`", d.pointer)?;
            }
            writeln!(out)?;
        }
        let errors = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = report.diagnostics.len() - errors;
        let verdict = if report.valid { "valid" } else { "invalid" };
        writeln!(
            out,
            "{}: {verdict} ({errors} error{}, {warnings} warning{})",
            report.file,
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" },
        )?;
    }
    Ok(())
}

/// Finding the line and column of a JSON pointer in the raw bytes of a file, so that messages
/// point where an editor can jump. A small scanner over JSON already known to be valid.
mod position {
    /// The 1-based line and column where the value at `pointer` starts.
    pub fn of_pointer(bytes: &[u8], pointer: &str) -> Option<(usize, usize)> {
        let mut s = Scanner { bytes, at: 0 };
        s.ws();
        if !pointer.is_empty() {
            for token in pointer.strip_prefix('/')?.split('/') {
                let token = token.replace("~1", "/").replace("~0", "~");
                s.step(&token)?;
            }
        }
        Some(s.line_col())
    }

    struct Scanner<'b> {
        bytes: &'b [u8],
        at: usize,
    }

    impl Scanner<'_> {
        fn peek(&self) -> Option<u8> {
            self.bytes.get(self.at).copied()
        }

        fn ws(&mut self) {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.at += 1;
            }
        }

        fn eat(&mut self, b: u8) -> Option<()> {
            self.ws();
            (self.peek()? == b).then(|| self.at += 1)
        }

        /// Moves from the start of a container to the start of its member `token`.
        fn step(&mut self, token: &str) -> Option<()> {
            match self.peek()? {
                b'{' => {
                    self.at += 1;
                    loop {
                        self.ws();
                        if self.peek()? == b'}' {
                            return None;
                        }
                        let key = self.string()?;
                        self.eat(b':')?;
                        self.ws();
                        if key == token {
                            return Some(());
                        }
                        self.skip_value()?;
                        self.ws();
                        if self.peek()? == b',' {
                            self.at += 1;
                        }
                    }
                }
                b'[' => {
                    self.at += 1;
                    let index: usize = token.parse().ok()?;
                    for _ in 0..index {
                        self.ws();
                        self.skip_value()?;
                        self.eat(b',')?;
                    }
                    self.ws();
                    Some(())
                }
                _ => None,
            }
        }

        /// Reads a string, unescaping what matters for comparing keys.
        fn string(&mut self) -> Option<String> {
            if self.peek()? != b'"' {
                return None;
            }
            self.at += 1;
            let mut raw = Vec::new();
            loop {
                match self.peek()? {
                    b'"' => {
                        self.at += 1;
                        return String::from_utf8(raw).ok();
                    }
                    b'\\' => {
                        let escaped = *self.bytes.get(self.at + 1)?;
                        self.at += 2;
                        match escaped {
                            b'u' => {
                                let hex =
                                    std::str::from_utf8(self.bytes.get(self.at..self.at + 4)?)
                                        .ok()?;
                                let code = u32::from_str_radix(hex, 16).ok()?;
                                self.at += 4;
                                let c = char::from_u32(code).unwrap_or('\u{fffd}');
                                raw.extend_from_slice(c.to_string().as_bytes());
                            }
                            b'n' => raw.push(b'\n'),
                            b't' => raw.push(b'\t'),
                            b'r' => raw.push(b'\r'),
                            b'b' => raw.push(8),
                            b'f' => raw.push(12),
                            other => raw.push(other),
                        }
                    }
                    b => {
                        raw.push(b);
                        self.at += 1;
                    }
                }
            }
        }

        fn skip_value(&mut self) -> Option<()> {
            self.ws();
            match self.peek()? {
                b'"' => self.string().map(drop),
                open @ (b'{' | b'[') => {
                    let close = if open == b'{' { b'}' } else { b']' };
                    self.at += 1;
                    loop {
                        self.ws();
                        if self.peek()? == close {
                            self.at += 1;
                            return Some(());
                        }
                        if open == b'{' {
                            self.string()?;
                            self.eat(b':')?;
                        }
                        self.skip_value()?;
                        self.ws();
                        if self.peek()? == b',' {
                            self.at += 1;
                        }
                    }
                }
                _ => {
                    while !matches!(
                        self.peek()?,
                        b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'
                    ) {
                        self.at += 1;
                    }
                    Some(())
                }
            }
        }

        fn line_col(&self) -> (usize, usize) {
            let before = &self.bytes[..self.at.min(self.bytes.len())];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count()
                + 1;
            (line, column)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::of_pointer;

        #[test]
        fn finds_values_by_pointer() {
            let json = b"{\n  \"a\": [1, {\"b\\u0020c\": \"x\"}],\n  \"d/e\": {\"f\": [true]}\n}";
            assert_eq!(of_pointer(json, ""), Some((1, 1)));
            assert_eq!(of_pointer(json, "/a"), Some((2, 8)));
            assert_eq!(of_pointer(json, "/a/1"), Some((2, 12)));
            assert_eq!(of_pointer(json, "/a/1/b c"), Some((2, 25)));
            assert_eq!(of_pointer(json, "/d~1e/f/0"), Some((3, 17)));
            assert_eq!(of_pointer(json, "/zz"), None);
            assert_eq!(of_pointer(json, "/a/9"), None);
        }
    }
}
