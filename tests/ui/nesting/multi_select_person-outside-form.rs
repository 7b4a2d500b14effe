use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <multi_select_person name="people"/>
        </card>
    };
}
