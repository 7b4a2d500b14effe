use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <table><column name="a"/></table>
            <table><column name="a"/></table>
            <table><column name="a"/></table>
            <table><column name="a"/></table>
            <markdown>"| a | b |\n|---|---|\n| 1 | 2 |"</markdown>
            <markdown>"| c |\n|:-:|\n| 3 |"</markdown>
        </card>
    };
    compile_error!("warnings only: this line makes the case a compile-fail test");
}
