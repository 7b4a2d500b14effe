use feishu_card::card;

fn main() {
    let card = card! {
        <card>
            <markdown>"unclosed"
        </card>
    };
    let _ = card.to_json();
}
