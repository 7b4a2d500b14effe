use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <buton>"OK"</buton>
        </card>
    };
}
