use feishu_card::card;

fn main() {
    let questions = ["why", "when"];
    let _card = card! {
        <card>
            @for q in questions {
                <form name="ask">
                    <input name="answer" placeholder={q}/>
                    // Computed from the loop variable: one name per pass, accepted.
                    <input name={format!("detail_{q}")}/>
                    <button name={format!("send_{q}")} form_action_type="submit">"Send"</button>
                </form>
            }
        </card>
    };
}
