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
                <button name="send" form_action_type="submit">"Send"</button>
            </form>
        </card>
    };
}
