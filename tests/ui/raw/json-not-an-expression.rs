use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <raw json="{\"tag\": \"new_widget\"}"/>
            <raw json=5/>
            <raw json/>
        </card>
    };
}
