use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <markdown text_align=5>"hi"</markdown>
        </card>
    };
}
