use feishu_card::card;

fn main() {
    let approved = true;
    let _card = card! {
        <card>
            @if approved {
                <header template="green">"Approved"</header>
            }
            <markdown>"Request #1204"</markdown>
        </card>
    };
}
