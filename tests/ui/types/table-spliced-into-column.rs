use feishu_card::card;
use feishu_card::model::Table;

fn main() {
    let table = Table::default();
    let _card = card! {
        <card>
            <column_set>
                <column>{table}</column>
            </column_set>
        </card>
    };
}
