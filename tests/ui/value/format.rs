use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <date_picker initial_date="2024/04/01"/>
        </card>
    };
}
