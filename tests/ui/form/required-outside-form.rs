use feishu_card::card;

fn main() {
    let _card = card! {
        <card>
            <input name="reason" required/>
        </card>
    };
    compile_error!("warnings only: this line makes the case a compile-fail test");
}
