use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <select_img multi_select name="pics">
                <option img_key="img_v2_1" value="a"/>
            </select_img>
        </card>
    };
}
