use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <markdown element_id="1st_text">"hi"</markdown>
        </card>
    };
}
