use feishu_card::card;

fn main() {
    // The card's parts are child tags; only its own tolerated properties (and `raw:` ones)
    // are attributes.
    let _card = card! {
        <card schema="2.0" config={Default::default()} colour="red" raw:config={serde_json::json!({})}>
            <markdown>"hi"</markdown>
        </card>
    };
}
