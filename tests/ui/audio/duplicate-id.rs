use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <config enable_forward=false/>
            <audio file_key="file_v3_1" audio_id="a1"/>
            <audio file_key="file_v3_2" audio_id="a1"/>
        </card>
    };
}
