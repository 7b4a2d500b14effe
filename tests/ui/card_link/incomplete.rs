use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <card_link pc_url="https://example.com"/>
            <markdown>"hi"</markdown>
        </card>
    };
    compile_error!("warnings only: this line makes the case a compile-fail test");
}
