use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <form name="f">
                <input name="a"/>
                <button form_action_type="submit" name="go1">"Go"</button>
            </form>
            <form name="f">
                <input name="b"/>
                <button form_action_type="submit" name="go2">"Go"</button>
            </form>
        </card>
    };
}
