use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <collapsible_panel>
                <header>"1"</header>
                <collapsible_panel>
                    <header>"2"</header>
                    <collapsible_panel>
                        <header>"3"</header>
                        <collapsible_panel>
                            <header>"4"</header>
                            <collapsible_panel>
                                <header>"5"</header>
                                <collapsible_panel>
                                    <header>"6"</header>
                                    <markdown>"too deep"</markdown>
                                </collapsible_panel>
                            </collapsible_panel>
                        </collapsible_panel>
                    </collapsible_panel>
                </collapsible_panel>
            </collapsible_panel>
        </card>
    };
}
