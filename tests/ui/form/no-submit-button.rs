use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <form name="f">
                <input name="reason"/>
                <button form_action_type="reset" name="clear">"Clear"</button>
            </form>
        </card>
    };
}
