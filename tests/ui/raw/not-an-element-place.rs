use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <header><raw json={serde_json::json!({"tag": "new_widget"})}/></header>
            <button><raw json={serde_json::json!({"tag": "new_widget"})}/>"OK"</button>
        </card>
    };
}
