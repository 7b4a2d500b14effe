use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <column_set>
                <column width="weighted" weight=7>
                    <markdown>"hi"</markdown>
                </column>
            </column_set>
        </card>
    };
}
