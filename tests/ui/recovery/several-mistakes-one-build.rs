use feishu_card::card;

fn main() {
    let card = card! {
        <card>
            <header template="purpel">"Title"</header>
            <buton>"OK"</buton>
            <column_set>
                <column weight=9>
                    <table>
                        <column name="id" data_type="text"/>
                    </table>
                </column>
            </column_set>
            <markdown text_size="huge">"still built"</markdown>
        </card>
    };
    // The card is still a `Card`: no follow-on errors below.
    let json: String = card.to_json();
    let _ = json;
}
