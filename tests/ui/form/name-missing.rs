use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <form name="">
                <input name="reason"/>
                <button form_action_type="submit" name="go">"Go"</button>
            </form>
        </card>
    };
}
