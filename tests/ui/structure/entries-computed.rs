use feishu_card::card;

fn main() {
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = Vec::new();
    let ids = ["T1", "T2"];
    let _card = card! {
        <card>
            <table>
                <column name="id" data_type="text"/>
                {rows}
                @for id in ids {
                    <row id={id}/>
                    <markdown>"not an entry"</markdown>
                }
            </table>
            <table>
                <column name="id" data_type="text"/>
                @for id in ids {
                    <row id={id} titel="typo"/>
                }
            </table>
        </card>
    };
}
