use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <raw/>
        </card>
    };
}
