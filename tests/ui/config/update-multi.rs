use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <config update_multi=false/>
            <markdown>"hi"</markdown>
        </card>
    };
}
