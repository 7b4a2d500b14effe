use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <raw json={serde_json::json!({"tag": "new_widget"})}>"text"</raw>
        </card>
    };
}
