use feishu_card::card;

fn main() {
    let items = ["a", "b"];
    let _card = card! {
        <card>
            @for item in items {
                <markdown element_id="item">{item}</markdown>
                // Computed from the loop variable: one id per pass, accepted.
                <markdown element_id={format!("item_{item}")}>{item}</markdown>
            }
            <column_set>
                @for item in items.iter() {
                    <column element_id="col" weight=1>
                        <markdown>{*item}</markdown>
                    </column>
                }
            </column_set>
        </card>
    };
}
