use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <plain_text content="hi"/>
        </card>
    };
}
