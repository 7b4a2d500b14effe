use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <collapsible_panel expanded>
                <markdown>"folded away"</markdown>
            </collapsible_panel>
            <person_list/>
            <table page_size=5/>
            <img_combination combination_mode="double"/>
        </card>
    };
}
