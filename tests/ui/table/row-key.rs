use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <table>
                <column name="id" data_type="text"/>
                <row id="T1" titel="typo"/>
            </table>
        </card>
    };
    compile_error!("warnings only: this line makes the case a compile-fail test");
}
