use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <markdown element_id="intro">"hi"</markdown>
            <hr element_id="intro"/>
        </card>
    };
}
