use feishu_card::card;

fn main() {
    let title = "Details";
    let _card = card! {
        <card>
            <collapsible_panel>
                <header title="Details"/>
                <header title="More details"/>
                <markdown>"inside"</markdown>
            </collapsible_panel>
            <button text="OK" confirm={confirm()}>
                "Fine"
                <confirm title="Sure?" text="It cannot be undone"/>
            </button>
            <div>
                <standard_icon token="chat_outlined"/>
                <custom_icon img_key="img_v2_xxx"/>
                "text"
            </div>
            <collapsible_panel>
                <header title="Done">{title}</header>
                <markdown>"inside"</markdown>
            </collapsible_panel>
        </card>
    };
}

fn confirm() -> feishu_card::model::Confirm {
    Default::default()
}
