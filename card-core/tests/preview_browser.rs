//! The HTML preview in a real browser: each seed template (and one card holding every seed
//! component) is opened in headless Chromium, which takes a screenshot and dumps the DOM it
//! built. The screenshot must show a drawn card (many colours, a good share of non-white
//! pixels inside the card) and the DOM every text of the card.
//!
//! Needs Debian's `chromium` (`apt-get install chromium`); `FEISHU_CARD_CHROMIUM` names another
//! binary. `FEISHU_CARD_SKIP_BROWSER=1` skips the test. `FEISHU_CARD_PREVIEW_OUT=<dir>` keeps
//! each page and screenshot there, to look at.

mod preview_support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use card_core::model::Card;
use card_core::preview;
use preview_support::{expected_texts, missing_texts, png, seed_cards, visible_text};
use serde_json::{json, Value};

/// The browser window: the card is 600 px wide on a page with 24 px of padding.
const WINDOW: (usize, usize) = (680, 1000);
/// Where the card sits in the page (left, top, right).
const CARD: (usize, usize, usize) = (24, 24, 624);
/// Longest a browser run may take before the test gives up on it.
const DEADLINE: Duration = Duration::from_secs(60);

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("FEISHU_CARD_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "feishu-card-preview-{}-{label}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the browser on `page` with `action` (`--screenshot=…` or `--dump-dom`).
fn run_chromium(binary: &Path, work: &Path, page: &Path, action: &str) -> Output {
    let profile = work.join(format!("profile{}", action.len()));
    let mut child = Command::new(binary)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={},{}", WINDOW.0, WINDOW.1))
        .arg(action)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
    // Read the output on other threads so that a full pipe cannot stall the browser.
    let stdout = child.stdout.take().map(|mut s| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = std::io::Read::read_to_end(&mut s, &mut buf);
            buf
        })
    });
    let stderr = child.stderr.take().map(|mut s| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = std::io::Read::read_to_end(&mut s, &mut buf);
            buf
        })
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > DEADLINE => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{} did not finish {action} of {} within {DEADLINE:?}",
                    binary.display(),
                    page.display()
                );
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("waiting for {}: {e}", binary.display()),
        }
    };
    let join = |h: Option<std::thread::JoinHandle<Vec<u8>>>| {
        h.and_then(|h| h.join().ok()).unwrap_or_default()
    };
    Output {
        status,
        stdout: join(stdout),
        stderr: join(stderr),
    }
}

/// What a screenshot shows inside the card's area.
struct Looks {
    colours: usize,
    inked: f64,
}

fn looks(image: &png::Image) -> Looks {
    let mut colours = HashSet::new();
    let (mut inked, mut total) = (0usize, 0usize);
    let right = CARD.2.min(image.width);
    for y in CARD.1..image.height {
        for x in CARD.0..right {
            let [r, g, b, _] = image.at(x, y);
            colours.insert((r, g, b));
            total += 1;
            // Neither the card's white nor the page's grey.
            let white = r > 250 && g > 250 && b > 250;
            let page = (r, g, b) == (0xf2, 0xf3, 0xf5);
            if !white && !page {
                inked += 1;
            }
        }
    }
    Looks {
        colours: colours.len(),
        inked: inked as f64 / total.max(1) as f64,
    }
}

/// The minimum a screenshot of a card must show.
const MIN_COLOURS: usize = 100;
const MIN_INKED: f64 = 0.03;

/// Writes `html` to `work` and measures its screenshot.
fn screenshot(binary: &Path, work: &Path, name: &str, html: &str) -> Looks {
    let page = work.join(format!("{name}.html"));
    std::fs::write(&page, html).expect("write the page");
    let shot = work.join(format!("{name}.png"));
    let output = run_chromium(
        binary,
        work,
        &page,
        &format!("--screenshot={}", shot.display()),
    );
    let bytes = std::fs::read(&shot).unwrap_or_else(|e| {
        panic!(
            "{name}: no screenshot ({e}); chromium said: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    if let Some(dir) = std::env::var_os("FEISHU_CARD_PREVIEW_OUT") {
        let dir = PathBuf::from(dir);
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{name}.png")), &bytes);
        let _ = std::fs::write(dir.join(format!("{name}.html")), html);
    }
    let image = png::decode(&bytes).unwrap_or_else(|e| panic!("{name}: bad screenshot: {e}"));
    assert_eq!(
        (image.width, image.height),
        WINDOW,
        "{name}: the screenshot is not the window's size"
    );
    let looks = looks(&image);
    println!(
        "{name}: {} colours, {:.1}% of the card area drawn",
        looks.colours,
        looks.inked * 100.0
    );
    looks
}

fn check_in_browser(binary: &Path, name: &str, value: &Value) {
    let card = Card::from_value(value).unwrap_or_else(|e| panic!("{name}: does not parse: {e}"));
    let work = TempDir::new(name);
    let html = preview::render(&card);
    let looks = screenshot(binary, &work.0, name, &html);
    assert!(
        looks.colours >= MIN_COLOURS,
        "{name}: the card area has only {} colours: nothing was drawn",
        looks.colours
    );
    assert!(
        looks.inked >= MIN_INKED,
        "{name}: only {:.2}% of the card area is drawn",
        looks.inked * 100.0
    );
    let page = work.0.join(format!("{name}.html"));

    let output = run_chromium(binary, &work.0, &page, "--dump-dom");
    assert!(
        output.status.success(),
        "{name}: --dump-dom failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        dom.contains("fc-card"),
        "{name}: the dumped DOM has no card: {dom:.200}"
    );
    let missing = missing_texts(&expected_texts(value), &visible_text(&dom));
    assert!(
        missing.is_empty(),
        "{name}: texts missing from the browser's DOM: {missing:?}"
    );
}

#[test]
fn seed_previews_render_in_chromium() {
    if std::env::var_os("FEISHU_CARD_SKIP_BROWSER").is_some_and(|v| v == "1") {
        println!("skipped: FEISHU_CARD_SKIP_BROWSER=1");
        return;
    }
    let Some(binary) = chromium() else {
        panic!(
            "chromium was not found on PATH: install it (`apt-get install chromium`), name it \
             with FEISHU_CARD_CHROMIUM=/path/to/chromium, or set FEISHU_CARD_SKIP_BROWSER=1 \
             to skip this test"
        );
    };
    let seeds = seed_cards();
    let mut components = Vec::new();
    let mut templates = 0;
    for (name, value) in &seeds {
        if name.starts_with("template-") {
            check_in_browser(&binary, name, value);
            templates += 1;
        } else if let Some(element) = value.pointer("/body/elements/0") {
            components.push(element.clone());
        }
    }
    assert!(templates >= 3, "only {templates} seed templates were found");
    let all = json!({
        "schema": "2.0",
        "header": {"title": {"tag": "plain_text", "content": "Every component"}, "template": "wathet"},
        "body": {"elements": components},
    });
    check_in_browser(&binary, "components", &all);

    // The measure tells a drawn card from an empty one.
    let work = TempDir::new("empty");
    let empty = screenshot(&binary, &work.0, "empty", &preview::render(&Card::new()));
    assert!(
        empty.colours < MIN_COLOURS || empty.inked < MIN_INKED,
        "an empty card passes for a drawn one: {} colours, {:.2}% drawn",
        empty.colours,
        empty.inked * 100.0
    );
}
