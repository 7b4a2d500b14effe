use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <img alt="a logo"/>
        </card>
    };
}
