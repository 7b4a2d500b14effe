use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <button type="primary" url="https://example.com">"Open"</button>
        </card>
    };
    compile_error!("warnings only: this line makes the case a compile-fail test");
}
