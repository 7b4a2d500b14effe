//! The README's first command, `cargo run --example demo`, plays its whole conversation against
//! the emulator.

#[path = "../examples/demo.rs"]
#[allow(dead_code)]
mod demo;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_plays_its_conversation_against_the_emulator() {
    if std::env::var_os("FEISHU_APP_ID").is_some() {
        eprintln!("FEISHU_APP_ID is set: the demo would talk to real Feishu; skipped");
        return;
    }
    demo::run().await.expect("the demo runs to its end");

    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/demo");
    for (page, text) in [
        ("1-approval.html", "Approve or reject"),
        ("2-decided.html", "Enjoy the visit!"),
        ("3-answer.html", "Not helpful"),
    ] {
        let html = std::fs::read_to_string(out.join(page)).expect("the demo wrote its preview");
        assert!(html.contains(text), "{page} lacks {text:?}");
    }
}
