use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <config wide_screen_mode=true/>
            <markdown>"hi"</markdown>
        </card>
    };
    compile_error!("warnings only: this line makes the case a compile-fail test");
}
