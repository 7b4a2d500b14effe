use feishu_card::card;

struct Widget;

fn main() {
    let _card = card! {
        <card>
            <raw json={Widget}/>
        </card>
    };
}
