use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <button colour="red">"OK"</button>
        </card>
    };
}
