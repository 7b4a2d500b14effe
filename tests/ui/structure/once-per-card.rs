use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <config update_multi/>
            <card_link url="https://example.com"/>
            <header template="blue">"Tickets"</header>
            <header template="red">"Tickets, again"</header>
            <config enable_forward=false/>
            <card_link url="https://example.com/2"/>
            <body>
                <markdown>"first"</markdown>
            </body>
            <body>
                <markdown>"second"</markdown>
            </body>
        </card>
    };
}
