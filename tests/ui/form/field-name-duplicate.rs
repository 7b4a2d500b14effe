use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <form name="f">
                <input name="reason"/>
                <column_set>
                    <column>
                        <input name="reason"/>
                    </column>
                </column_set>
                <button form_action_type="submit" name="go">"Go"</button>
            </form>
        </card>
    };
}
