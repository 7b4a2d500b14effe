use feishu_card::card;
use serde_json::json;

fn main() {
    let _card = card! {
        <card>
            <interactive_container callback={json!({"a": 1})}>
                <form name="inner">
                    <button form_action_type="submit" name="go">"Go"</button>
                </form>
            </interactive_container>
        </card>
    };
}
