use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <column_set>
                <column>
                    <table page_size=5>
                        <column name="id" data_type="text"/>
                    </table>
                </column>
            </column_set>
        </card>
    };
}
