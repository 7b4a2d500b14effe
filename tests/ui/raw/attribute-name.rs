use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <button raw:a:b={serde_json::json!(1)}>"OK"</button>
        </card>
    };
}
