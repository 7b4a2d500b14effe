use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <button
                raw:type={serde_json::json!("primary")}
                raw:callback={serde_json::json!({"a": 1})}
            >
                "OK"
            </button>
            <header raw:template={serde_json::json!("blue")}>"Title"</header>
        </card>
    };
}
