use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <note>"a footnote"</note>
        </card>
    };
}
