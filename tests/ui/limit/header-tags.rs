use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <header template="blue">
                "Title"
                <text_tag color="red">"a"</text_tag>
                <text_tag color="red">"b"</text_tag>
                <text_tag color="red">"c"</text_tag>
                <text_tag color="red">"d"</text_tag>
            </header>
            <markdown>"hi"</markdown>
        </card>
    };
    compile_error!("warnings only: this line makes the case a compile-fail test");
}
