use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <button type="primari">"OK"</button>
        </card>
    };
}
