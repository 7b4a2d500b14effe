//! Builds the confirm card and prints its JSON.

fn main() {
    let card = serde_json::json!({
        "schema": "2.0",
        "header": { "title": { "tag": "plain_text", "content": "确认操作" }, "template": "orange" },
        "body": { "elements": [ { "tag": "markdown", "content": "确定要执行此操作吗?此操作**不可撤销**。" } ] }
    });
    println!("{}", serde_json::to_string_pretty(&card).expect("a JSON value always serializes"));
}
