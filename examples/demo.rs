//! Builds the confirm card with the typed model and prints its JSON.
//!
//! Run it with `cargo run --example demo`.

use card_core::model::*;
use serde_json::json;

/// A confirmation dialog: a warning text and two buttons that call the bot back.
pub fn confirm_card() -> Card {
    let button = |label: &'static str, style: ButtonType, action: &str| {
        Column::new().width(ColumnWidth::Auto).element(
            Button::new(label)
                .r#type(style)
                .callback(json!({ "action": action })),
        )
    };
    Card::new()
        .header(Header::new("确认操作").template(HeaderTemplate::Orange))
        .element(Markdown::new("确定要执行此操作吗?此操作**不可撤销**。"))
        .element(
            ColumnSet::new()
                .horizontal_spacing(Spacing::Px(8))
                .column(button("确认", ButtonType::PrimaryFilled, "confirm"))
                .column(button("取消", ButtonType::Default, "cancel")),
        )
}

fn main() {
    println!("{}", confirm_card().to_json_pretty());
}
