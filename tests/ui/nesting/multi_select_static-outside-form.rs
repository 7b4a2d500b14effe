use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <column_set>
                <column>
                    <multi_select_static name="tags">
                        <option value="a">"A"</option>
                    </multi_select_static>
                </column>
            </column_set>
        </card>
    };
}
