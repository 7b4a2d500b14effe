use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <table><column name="c" data_type="text"/></table>
            <table><column name="c" data_type="text"/></table>
            <table><column name="c" data_type="text"/></table>
            <table><column name="c" data_type="text"/></table>
            <table><column name="c" data_type="text"/></table>
            <table><column name="c" data_type="text"/></table>
        </card>
    };
}
