//! The three reference cards, written with `card!`, serialize to exactly the seed JSON.

use feishu_card::card;
use serde_json::{json, Value};

fn seed(name: &str) -> Value {
    let path = format!(
        "{}/../shared/corpus/seed/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn confirm() {
    let card = card! {
        <card>
            <header template="orange">"确认操作"</header>
            <markdown>"确定要执行此操作吗?此操作**不可撤销**。"</markdown>
            <column_set horizontal_spacing="8px">
                <column width="auto">
                    <button type="primary_filled" callback={json!({"action": "confirm"})}>"确认"</button>
                </column>
                <column width="auto">
                    <button type="default" callback={json!({"action": "cancel"})}>"取消"</button>
                </column>
            </column_set>
        </card>
    };
    assert_eq!(
        serde_json::to_value(&card).unwrap(),
        seed("template-confirm.json")
    );
}

#[test]
fn quick_select() {
    let card = card! {
        <card>
            <header template="blue">"请选择优先级"</header>
            <markdown>"请为该任务设置优先级:"</markdown>
            <column_set horizontal_spacing="8px">
                <column width="auto">
                    <button type="danger_filled" callback={json!({"priority": "urgent"})}>"🔴 紧急"</button>
                </column>
                <column width="auto">
                    <button type="primary" callback={json!({"priority": "normal"})}>"🟡 普通"</button>
                </column>
                <column width="auto">
                    <button type="default" callback={json!({"priority": "low"})}>"🟢 低"</button>
                </column>
            </column_set>
        </card>
    };
    assert_eq!(
        serde_json::to_value(&card).unwrap(),
        seed("template-quick-select.json")
    );
}

#[test]
fn quick_select_from_data() {
    use feishu_card::core::model::ButtonType;
    let choices = [
        (ButtonType::DangerFilled, "🔴 紧急", "urgent"),
        (ButtonType::Primary, "🟡 普通", "normal"),
        (ButtonType::Default, "🟢 低", "low"),
    ];
    let card = card! {
        <card>
            <header template="blue">"请选择优先级"</header>
            <markdown>"请为该任务设置优先级:"</markdown>
            <column_set horizontal_spacing="8px">
                @for (kind, label, priority) in choices {
                    <column width="auto">
                        <button type={kind} text={label} callback={json!({"priority": priority})}/>
                    </column>
                }
            </column_set>
        </card>
    };
    assert_eq!(
        serde_json::to_value(&card).unwrap(),
        seed("template-quick-select.json")
    );
}

#[test]
fn data_display() {
    let card = card! {
        <card>
            <header template="blue">"待处理工单"</header>
            <table page_size=5 row_height="low">
                <column name="id" display_name="工单号" data_type="text" width="80px"/>
                <column name="title" display_name="标题" data_type="text"/>
                <column name="status" display_name="状态" data_type="options"/>
                <column name="assignee" display_name="负责人" data_type="persons"/>
                <row id="T001" title="登录异常"
                     status={json!([{"name": "处理中", "color": "orange"}])}
                     assignee={json!([{"id": "ou_xxx"}])}/>
            </table>
            <hr/>
            <column_set horizontal_align="right">
                <column width="auto">
                    <button type="primary_filled" open_url="https://your-app.com/tickets">"查看全部"</button>
                </column>
            </column_set>
        </card>
    };
    assert_eq!(
        serde_json::to_value(&card).unwrap(),
        seed("template-data-display.json")
    );
}
