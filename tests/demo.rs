//! The README's first command, `cargo run --example demo`, plays its whole conversation against
//! the emulator: by default with its card callbacks over the long connection, and with `--http`
//! over an HTTP route.

use std::sync::{Mutex, PoisonError};

#[path = "../examples/demo.rs"]
#[allow(dead_code)]
mod demo;

use demo::Route;

/// The demo writes its previews to one folder and keeps one transcript: one run at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs the demo on its own runtime; the lines it printed.
fn play(route: Route) -> Option<Vec<String>> {
    if std::env::var_os("FEISHU_APP_ID").is_some() {
        eprintln!("FEISHU_APP_ID is set: the demo would talk to real Feishu; skipped");
        return None;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    demo::take_transcript();
    let result = runtime.block_on(demo::run(route));
    let said = demo::take_transcript();
    if let Err(e) = result {
        panic!("the demo failed: {e}; it printed:\n{}", said.join("\n"));
    }

    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/demo");
    for (page, text) in [
        ("1-approval.html", "Approve or reject"),
        ("2-decided.html", "Enjoy the visit!"),
        ("3-answer.html", "Not helpful"),
    ] {
        let html = std::fs::read_to_string(out.join(page)).expect("the demo wrote its preview");
        assert!(html.contains(text), "{page} lacks {text:?}");
    }
    Some(said)
}

/// Checks that both of the manager's actions were answered, each with its toast, and what
/// the bot made of them.
fn check_answers(said: &[String], answered: &str) {
    let text = said.join("\n");
    let answers = said.iter().filter(|l| l.contains(answered)).count();
    assert_eq!(
        answers, 2,
        "two answers {answered:?}; the demo printed:\n{text}"
    );
    for line in [
        "the user sees a success toast: Approved: Mei is told",
        "the bot decoded: Decision { verdict: Approve, comment: Some(\"Enjoy the visit!\") }",
        "Leave request #1204: approved",
        "the user sees a success toast: Thanks for the feedback",
        "the bot recorded feedback \"up\"",
    ] {
        assert!(
            text.contains(line),
            "no {line:?}; the demo printed:\n{text}"
        );
    }
    assert!(!text.contains("Feishu shows an error"), "{text}");
}

#[test]
fn by_default_the_demo_receives_its_callbacks_over_the_long_connection() {
    let route = Route::from_args(Vec::new()).expect("no arguments");
    assert_eq!(route, Route::LongConnection);
    let Some(said) = play(route) else { return };
    let text = said.join("\n");
    assert!(
        text.contains("The bot receives card callbacks over the long connection"),
        "{text}"
    );
    assert!(!text.contains("serves card callbacks at"), "{text}");
    check_answers(
        &said,
        "callback answered over the long connection (acknowledged with code 200)",
    );
}

#[test]
fn with_http_the_demo_serves_its_callbacks_on_an_http_route() {
    let route = Route::from_args(["--http".to_string()]).expect("--http");
    assert_eq!(route, Route::Http);
    let Some(said) = play(route) else { return };
    let text = said.join("\n");
    assert!(
        text.contains("The bot serves card callbacks at http://127.0.0.1:"),
        "{text}"
    );
    assert!(!text.contains("over the long connection"), "{text}");
    check_answers(&said, "callback answered HTTP 200");
}

#[test]
fn the_demo_refuses_arguments_it_does_not_know() {
    let err = Route::from_args(["--htp".to_string()]).expect_err("an unknown argument");
    assert!(err.contains("--htp") && err.contains("--http"), "{err}");
}
