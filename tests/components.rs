//! Every seed component (`corpus/seed/component-*.json`) written with `card!` in its most
//! direct markup: literals for literal values, text as children, child tags for objects and
//! list entries. Each card passes the runtime validator and serializes to the seed element,
//! compared as JSON values.

use feishu_card::{card, Card};
use serde_json::{json, Value};

/// One seed component, as the corpus gives it.
fn seed(component: &str) -> Value {
    let path = format!(
        "{}/../shared/corpus/seed/component-{component}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The card as JSON, once the runtime validator has found nothing in it: what `card!` accepts
/// at compile time, the validator accepts too.
fn json_of(card: &Card) -> Value {
    let problems = feishu_card::validate(card);
    assert!(problems.is_empty(), "{problems}");
    serde_json::to_value(card).expect("a typed card always serializes")
}

/// The whole card holding only `element` in its body.
fn alone(element: Value) -> Value {
    json!({"schema": "2.0", "body": {"elements": [element]}})
}

/// The first element of the form at the top of the body, for components that only live in a
/// form.
fn first_in_form(card: &Card) -> Value {
    let value = json_of(card);
    assert_eq!(value["body"]["elements"][0]["tag"], "form", "{value:#}");
    value["body"]["elements"][0]["elements"][0].clone()
}

/// The seed components, each with a test of its name below.
const COMPONENTS: [&str; 26] = [
    "audio",
    "button",
    "chart",
    "checker",
    "collapsible_panel",
    "column_set",
    "date_picker",
    "div",
    "form",
    "hr",
    "img",
    "img_combination",
    "input",
    "interactive_container",
    "markdown",
    "multi_select_person",
    "multi_select_static",
    "overflow",
    "person",
    "person_list",
    "picker_datetime",
    "picker_time",
    "select_img",
    "select_person",
    "select_static",
    "table",
];

#[test]
fn every_seed_component_is_covered() {
    let dir = format!("{}/../shared/corpus/seed", env!("CARGO_MANIFEST_DIR"));
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
    let mut found: Vec<String> = entries
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            Some(
                name.strip_prefix("component-")?
                    .strip_suffix(".json")?
                    .to_owned(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(found, COMPONENTS);
}

#[test]
fn audio() {
    // A card with audio cannot be forwarded (`audio.forwardable`): the config is part of it.
    let card = card! {
        <card>
            <config enable_forward=false/>
            <audio file_key="file_v3_xxx" show_time/>
        </card>
    };
    assert_eq!(
        json_of(&card),
        json!({
            "schema": "2.0",
            "config": {"enable_forward": false},
            "body": {"elements": [seed("audio")]}
        })
    );
}

#[test]
fn button() {
    let card = card! {
        <card>
            <button type="primary_filled" size="medium" callback={json!({"action": "confirm"})}>
                "确认"
            </button>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("button")));
}

#[test]
fn chart() {
    let spec = json!({
        "type": "bar",
        "data": [{"id": "data", "values": [{"x": "A", "y": 10}]}],
        "xField": "x",
        "yField": "y"
    });
    let card = card! {
        <card>
            <chart aspect_ratio="16:9" color_theme="brand" chart_spec={spec}/>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("chart")));
}

#[test]
fn checker() {
    let card = card! {
        <card>
            <checker name="task_done" checked=false callback={json!({"task_id": "123"})}>
                "任务已完成"
            </checker>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("checker")));
}

#[test]
fn collapsible_panel() {
    let card = card! {
        <card>
            <collapsible_panel expanded=false>
                <header icon_position="right" icon_expanded_angle=-180>
                    "面板标题"
                    <standard_icon token="down-small-ccm_outlined" size="16px 16px"/>
                </header>
                <border color="grey" corner_radius="5px"/>
            </collapsible_panel>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("collapsible_panel")));
}

#[test]
fn column_set() {
    let card = card! {
        <card>
            <column_set flex_mode="none" horizontal_spacing="8px" background_style="default">
                <column width="weighted" weight=1 vertical_align="top"></column>
            </column_set>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("column_set")));
}

#[test]
fn date_picker() {
    let card = card! {
        <card>
            <date_picker name="due_date" initial_date="2025-01-01" placeholder="请选择日期"/>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("date_picker")));
}

#[test]
fn div() {
    let card = card! {
        <card>
            <div>
                <plain_text text_size="normal" text_color="default" text_align="left">
                    "文本内容"
                </plain_text>
            </div>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("div")));
}

#[test]
fn form() {
    let card = card! {
        <card>
            <form name="form_1">
                <input name="reason" required/>
                <button type="primary_filled" form_action_type="submit" name="btn_submit">
                    "提交"
                </button>
            </form>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("form")));
}

#[test]
fn hr() {
    let card = card! {
        <card>
            <hr/>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("hr")));
}

#[test]
fn img() {
    let card = card! {
        <card>
            <img img_key="img_v3_xxx" scale_type="crop_center" size="200px 150px"
                 corner_radius="8px" preview/>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("img")));
}

#[test]
fn img_combination() {
    let card = card! {
        <card>
            <img_combination combination_mode="bisect">
                <img img_key="img_v3_aaa"/>
                <img img_key="img_v3_bbb"/>
            </img_combination>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("img_combination")));
}

#[test]
fn input() {
    let card = card! {
        <card>
            <input name="reason" placeholder="请输入" required=false max_length=200
                   input_type="text" width="fill"/>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("input")));
}

#[test]
fn interactive_container() {
    let card = card! {
        <card>
            <interactive_container width="fill" height="auto" has_border border_color="grey"
                                   corner_radius="8px" background_style="default"
                                   callback={json!({"key": "val"})}>
            </interactive_container>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("interactive_container")));
}

#[test]
fn markdown() {
    let card = card! {
        <card>
            <markdown text_align="left" text_size="normal">
                "**粗体** *斜体* ~~删除线~~\n- 列表\n`code`\n> 引用"
            </markdown>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("markdown")));
}

#[test]
fn multi_select_person() {
    let card = card! {
        <card>
            <form name="f">
                <multi_select_person name="reviewers" placeholder="选择审核人">
                    <option value="ou_xxx"/>
                    <option value="ou_yyy"/>
                </multi_select_person>
                <button name="send" form_action_type="submit">"提交"</button>
            </form>
        </card>
    };
    assert_eq!(first_in_form(&card), seed("multi_select_person"));
}

#[test]
fn multi_select_static() {
    let card = card! {
        <card>
            <form name="f">
                <multi_select_static name="tags" placeholder="请选择">
                    <option value="a">"标签A"</option>
                </multi_select_static>
                <button name="send" form_action_type="submit">"提交"</button>
            </form>
        </card>
    };
    assert_eq!(first_in_form(&card), seed("multi_select_static"));
}

#[test]
fn overflow() {
    let card = card! {
        <card>
            <overflow>
                <option value="opt1">"选项1"</option>
                <option>
                    "跳转"
                    <multi_url url="https://..."/>
                </option>
            </overflow>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("overflow")));
}

#[test]
fn person() {
    let card = card! {
        <card>
            <person user_id="ou_xxx" size="medium" show_avatar show_name style="normal"/>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("person")));
}

#[test]
fn person_list() {
    let card = card! {
        <card>
            <person_list show_avatar show_name size="medium">
                <person id="ou_xxx"/>
                <person id="ou_yyy"/>
            </person_list>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("person_list")));
}

#[test]
fn picker_datetime() {
    let card = card! {
        <card>
            <picker_datetime name="event_datetime" initial_datetime="2025-01-01 09:00"
                             placeholder="请选择"/>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("picker_datetime")));
}

#[test]
fn picker_time() {
    let card = card! {
        <card>
            <picker_time name="meeting_time" initial_time="09:00" placeholder="请选择时间"/>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("picker_time")));
}

#[test]
fn select_img() {
    let card = card! {
        <card>
            <select_img name="choice" multi_select=false layout="bisect" aspect_ratio="16:9"
                        callback={json!({})}>
                <option img_key="img_v3_aaa" value="pic1"/>
            </select_img>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("select_img")));
}

#[test]
fn select_person() {
    let card = card! {
        <card>
            <select_person name="assignee" placeholder="选择负责人" callback={json!({})}>
                <option value="ou_xxx"/>
            </select_person>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("select_person")));
}

#[test]
fn select_static() {
    let card = card! {
        <card>
            <select_static name="priority" placeholder="请选择" callback={json!({"k": "v"})}>
                <option value="high">"高"</option>
                <option value="low">"低"</option>
            </select_static>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("select_static")));
}

#[test]
fn table() {
    let card = card! {
        <card>
            <table page_size=5 row_height="low">
                <column name="col1" display_name="名称" data_type="text" width="auto"/>
                <column name="col2" display_name="数量" data_type="number"/>
                <row col1="项目A" col2=100/>
            </table>
        </card>
    };
    assert_eq!(json_of(&card), alone(seed("table")));
}
