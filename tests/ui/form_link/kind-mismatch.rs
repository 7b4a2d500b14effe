use feishu_card::{card, FormValue};

#[derive(FormValue)]
struct Feedback {
    reason: String,
    urgent: bool,
}

fn main() {
    let _card = card! {
        <card>
            <form name="feedback" for=Feedback>
                <input name="reason"/>
                <multi_select_static name="urgent">
                    <option value="yes">"Yes"</option>
                </multi_select_static>
                <button name="send" form_action_type="submit">"Send"</button>
            </form>
        </card>
    };
}
