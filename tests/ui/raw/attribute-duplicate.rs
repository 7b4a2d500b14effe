use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <button raw:glow={serde_json::json!(true)} raw:glow=false>"OK"</button>
            <markdown text_align="left" raw:text_align={serde_json::json!("middle")}>"Hi"</markdown>
        </card>
    };
}
