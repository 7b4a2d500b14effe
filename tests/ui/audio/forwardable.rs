use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <audio file_key="file_v3_1"/>
        </card>
    };
}
