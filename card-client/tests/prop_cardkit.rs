//! Random sequences of CardKit operations, sent through the client to the emulator and applied
//! to a local model of the documented semantics (spec `feishu-openapi.md` §4), leave the same
//! card; operations the model expects to fail (a missing target, text streamed while streaming
//! is off) fail and change nothing.

mod common;

use card_client::emulator::Emulator;
use card_client::{
    AddElements, BatchAction, BatchUpdate, CardSettings, Client, CreateCard, DeleteElement,
    PatchElement, Position, StreamText, UpdateCard, UpdateElement, UpdateSettings,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};

/// One operation, with its targets as numbers resolved against the card when it runs, so that
/// every generated sequence stays meaningful whatever came before.
#[derive(Debug, Clone)]
enum Op {
    FullUpdate {
        elements: u8,
    },
    Settings {
        streaming: bool,
        summary: String,
    },
    Add {
        position: u8,
        target: u32,
        count: u8,
    },
    Update {
        target: u32,
    },
    Patch {
        target: u32,
        how: u8,
        text: String,
    },
    Delete {
        target: u32,
    },
    Content {
        target: u32,
        text: String,
    },
    Batch {
        actions: Vec<(u8, u32, String)>,
    },
    /// An operation on an element that does not exist.
    Ghost {
        how: u8,
    },
}

fn text() -> impl Strategy<Value = String> {
    "[a-z0-9 *_\u{4e00}-\u{4e10}\u{1f600}\"\\\\]{1,24}"
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (0..4u8).prop_map(|elements| Op::FullUpdate { elements }),
        2 => (prop::bool::weighted(0.8), text()).prop_map(|(streaming, summary)| Op::Settings { streaming, summary }),
        4 => (0..4u8, any::<u32>(), 1..4u8).prop_map(|(position, target, count)| Op::Add { position, target, count }),
        2 => any::<u32>().prop_map(|target| Op::Update { target }),
        3 => (any::<u32>(), 0..3u8, text()).prop_map(|(target, how, text)| Op::Patch { target, how, text }),
        2 => any::<u32>().prop_map(|target| Op::Delete { target }),
        3 => (any::<u32>(), text()).prop_map(|(target, text)| Op::Content { target, text }),
        2 => prop::collection::vec((0..5u8, any::<u32>(), text()), 1..4).prop_map(|actions| Op::Batch { actions }),
        1 => (0..4u8).prop_map(|how| Op::Ghost { how }),
    ]
}

/// The card as the documentation says each operation leaves it.
struct Model {
    card: Value,
    serial: u32,
}

impl Model {
    fn fresh_id(&mut self) -> String {
        self.serial += 1;
        format!("m{}", self.serial)
    }

    fn markdown(&mut self, content: &str) -> Value {
        json!({"tag": "markdown", "element_id": self.fresh_id(), "content": content})
    }

    /// A streaming card with markdown elements, a column set and an interactive container, so
    /// that every position and kind of target exists.
    fn initial(&mut self, elements: u8) -> Value {
        let mut body = vec![self.markdown("title")];
        for i in 0..elements {
            body.push(self.markdown(&format!("line {i}")));
        }
        let inner = self.markdown("in a column");
        let (set, left, right, boxed) = (
            self.fresh_id(),
            self.fresh_id(),
            self.fresh_id(),
            self.fresh_id(),
        );
        body.push(json!({"tag": "column_set", "element_id": set, "columns": [
            {"tag": "column", "element_id": left, "elements": [inner]},
            {"tag": "column", "element_id": right, "elements": []}
        ]}));
        let inside = self.markdown("boxed");
        body.push(
            json!({"tag": "interactive_container", "element_id": boxed, "elements": [inside]}),
        );
        json!({
            "schema": "2.0",
            "config": {"streaming_mode": true, "summary": {"content": "…"}},
            "body": {"elements": body}
        })
    }

    fn streaming(&self) -> bool {
        self.card["config"]["streaming_mode"] == true
    }

    /// Every element (columns included) as (element_id, tag, JSON pointer), in document order.
    fn elements(&self) -> Vec<(String, String, String)> {
        fn walk(v: &Value, at: &str, out: &mut Vec<(String, String, String)>) {
            let Some(items) = v.as_array() else { return };
            for (i, item) in items.iter().enumerate() {
                let here = format!("{at}/{i}");
                if let Some(id) = item["element_id"].as_str() {
                    let tag = item["tag"].as_str().unwrap_or("").to_owned();
                    out.push((id.to_owned(), tag, here.clone()));
                }
                for key in ["elements", "columns"] {
                    walk(&item[key], &format!("{here}/{key}"), out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.card["body"]["elements"], "/body/elements", &mut out);
        out
    }

    fn pick(&self, n: u32, fits: impl Fn(&str) -> bool) -> Option<(String, String)> {
        let all: Vec<_> = self
            .elements()
            .into_iter()
            .filter(|(_, tag, _)| fits(tag))
            .collect();
        if all.is_empty() {
            return None;
        }
        let (id, _, pointer) = all[n as usize % all.len()].clone();
        Some((id, pointer))
    }

    fn pointer_of(&self, id: &str) -> Option<String> {
        self.elements()
            .into_iter()
            .find(|(e, _, _)| e == id)
            .map(|(_, _, p)| p)
    }

    /// The list holding the element at `pointer`, and its index there.
    fn parent(&mut self, pointer: &str) -> Option<(&mut Vec<Value>, usize)> {
        let (list, index) = pointer.rsplit_once('/')?;
        let index: usize = index.parse().ok()?;
        Some((self.card.pointer_mut(list)?.as_array_mut()?, index))
    }

    fn settings(&mut self, settings: &CardSettings) {
        if let Some(config) = &settings.config {
            for (k, v) in config {
                self.card["config"][k] = v.clone();
            }
        }
        if let Some(link) = &settings.card_link {
            self.card["card_link"] = link.clone();
        }
    }

    fn add(&mut self, position: &Position, elements: &[Value]) -> bool {
        let (list, at) = match position {
            Position::Append { container: None } => ("/body/elements".to_owned(), usize::MAX),
            Position::Append {
                container: Some(id),
            } => match self.pointer_of(id) {
                Some(p) => (format!("{p}/elements"), usize::MAX),
                None => return false,
            },
            Position::InsertBefore { target_element_id }
            | Position::InsertAfter { target_element_id } => {
                let Some(p) = self.pointer_of(target_element_id) else {
                    return false;
                };
                let (list, index) = p.rsplit_once('/').expect("pointers have a parent");
                let index: usize = index.parse().expect("element pointers end in an index");
                let after = matches!(position, Position::InsertAfter { .. });
                (list.to_owned(), index + usize::from(after))
            }
        };
        let Some(items) = self.card.pointer_mut(&list).and_then(Value::as_array_mut) else {
            return false;
        };
        let at = at.min(items.len());
        for (i, e) in elements.iter().enumerate() {
            items.insert(at + i, e.clone());
        }
        true
    }

    fn update(&mut self, id: &str, element: &Value) -> bool {
        let Some(p) = self.pointer_of(id) else {
            return false;
        };
        match self.card.pointer_mut(&p) {
            Some(slot) => {
                *slot = element.clone();
                true
            }
            None => false,
        }
    }

    fn patch(&mut self, id: &str, partial: &Value) -> bool {
        let Some(p) = self.pointer_of(id) else {
            return false;
        };
        let (Some(Value::Object(target)), Value::Object(partial)) =
            (self.card.pointer_mut(&p), partial)
        else {
            return false;
        };
        for (k, v) in partial {
            target.insert(k.clone(), v.clone());
        }
        true
    }

    fn delete(&mut self, id: &str) -> bool {
        let Some(p) = self.pointer_of(id) else {
            return false;
        };
        match self.parent(&p) {
            Some((items, index)) => {
                items.remove(index);
                true
            }
            None => false,
        }
    }
}

/// Tags an element may be inserted next to, replaced or deleted: not a `column`, which only a
/// column set holds.
fn movable(tag: &str) -> bool {
    tag != "column"
}

fn container(tag: &str) -> bool {
    matches!(tag, "column" | "interactive_container")
}

/// Turns a batch entry into an action on the model's current card, applying it to the model.
fn batch_action(
    model: &mut Model,
    (kind, target, text): &(u8, u32, String),
) -> Option<BatchAction> {
    match kind {
        0 => {
            let settings = CardSettings::default().summary(text.clone());
            model.settings(&settings);
            Some(BatchAction::PartialUpdateSetting { settings })
        }
        1 => {
            let element = model.markdown(text);
            let position = Position::append();
            model.add(&position, std::slice::from_ref(&element));
            Some(BatchAction::AddElements {
                position,
                elements: vec![element],
            })
        }
        2 => {
            let (id, _) = model.pick(*target, movable)?;
            model.delete(&id);
            Some(BatchAction::DeleteElements {
                element_ids: vec![id],
            })
        }
        3 => {
            let (id, _) = model.pick(*target, |t| t == "markdown")?;
            let partial = json!({"content": text});
            model.patch(&id, &partial);
            Some(BatchAction::PartialUpdateElement {
                element_id: id,
                partial_element: partial,
            })
        }
        _ => {
            let (id, _) = model.pick(*target, movable)?;
            let element = json!({"tag": "markdown", "element_id": id, "content": text});
            model.update(&id, &element);
            Some(BatchAction::UpdateElement {
                element_id: id,
                element,
            })
        }
    }
}

/// Runs one operation on both sides; checks that it succeeded exactly when the model says so.
async fn step(
    client: &Client,
    card_id: &str,
    model: &mut Model,
    op: &Op,
) -> Result<(), TestCaseError> {
    let before = model.card.clone();
    let (result, expected) = match op {
        Op::FullUpdate { elements } => {
            let card = model.initial(*elements);
            model.card = card.clone();
            (
                client.cards().update(UpdateCard::new(card_id, card)).await,
                true,
            )
        }
        Op::Settings { streaming, summary } => {
            let settings = CardSettings::streaming(*streaming).summary(summary.clone());
            model.settings(&settings);
            (
                client
                    .cards()
                    .settings(UpdateSettings::new(card_id, settings))
                    .await,
                true,
            )
        }
        Op::Add {
            position,
            target,
            count,
        } => {
            let elements: Vec<Value> = (0..*count)
                .map(|i| model.markdown(&format!("added {i}")))
                .collect();
            let position = match position {
                0 => Position::append(),
                1 => match model.pick(*target, container) {
                    Some((id, _)) => Position::append_to(id),
                    None => Position::append(),
                },
                2 => match model.pick(*target, movable) {
                    Some((id, _)) => Position::before(id),
                    None => Position::append(),
                },
                _ => match model.pick(*target, movable) {
                    Some((id, _)) => Position::after(id),
                    None => Position::append(),
                },
            };
            let ok = model.add(&position, &elements);
            (
                client
                    .elements(card_id)
                    .add(AddElements::new(position, elements))
                    .await,
                ok,
            )
        }
        Op::Update { target } => {
            let Some((id, _)) = model.pick(*target, movable) else {
                return Ok(());
            };
            let element = json!({"tag": "markdown", "element_id": id, "content": "replaced"});
            let ok = model.update(&id, &element);
            (
                client
                    .elements(card_id)
                    .update(UpdateElement::new(&id, element))
                    .await,
                ok,
            )
        }
        Op::Patch { target, how, text } => {
            let Some((id, _)) = model.pick(*target, |t| t == "markdown") else {
                return Ok(());
            };
            let partial = match how {
                0 => json!({"content": text}),
                1 => json!({"text_align": "center"}),
                // Renaming: the element keeps its place under a new id.
                _ => json!({"element_id": model.fresh_id()}),
            };
            let ok = model.patch(&id, &partial);
            (
                client
                    .elements(card_id)
                    .patch(PatchElement::new(&id, partial))
                    .await,
                ok,
            )
        }
        Op::Delete { target } => {
            let Some((id, _)) = model.pick(*target, movable) else {
                return Ok(());
            };
            let ok = model.delete(&id);
            (
                client
                    .elements(card_id)
                    .delete(DeleteElement::new(&id))
                    .await,
                ok,
            )
        }
        Op::Content { target, text } => {
            let Some((id, _)) = model.pick(*target, |t| t == "markdown") else {
                return Ok(());
            };
            let ok = model.streaming();
            if ok {
                model.patch(&id, &json!({"content": text}));
            }
            (
                client
                    .elements(card_id)
                    .stream_text(StreamText::new(&id, text.clone()))
                    .await,
                ok,
            )
        }
        Op::Batch { actions } => {
            let actions: Vec<BatchAction> = actions
                .iter()
                .filter_map(|a| batch_action(model, a))
                .collect();
            if actions.is_empty() {
                return Ok(());
            }
            (
                client
                    .cards()
                    .batch_update(BatchUpdate::new(card_id, actions))
                    .await,
                true,
            )
        }
        Op::Ghost { how } => {
            let ghost = "ghost_element";
            let elements = client.elements(card_id);
            let result = match how {
                0 => elements.delete(DeleteElement::new(ghost)).await,
                1 => {
                    elements
                        .patch(PatchElement::new(ghost, json!({"content": "x"})))
                        .await
                }
                2 => {
                    elements
                        .update(UpdateElement::new(
                            ghost,
                            json!({"tag": "hr", "element_id": ghost}),
                        ))
                        .await
                }
                _ => {
                    elements
                        .add(AddElements::new(
                            Position::before(ghost),
                            vec![json!({"tag": "hr"})],
                        ))
                        .await
                }
            };
            (result, false)
        }
    };
    match (&result, expected) {
        (Ok(()), true) => Ok(()),
        (Err(_), false) => {
            model.card = before;
            Ok(())
        }
        (Ok(()), false) => Err(TestCaseError::fail(format!("{op:?} should have failed"))),
        (Err(e), true) => Err(TestCaseError::fail(format!("{op:?} failed: {e}"))),
    }
}

async fn run(feishu: &Emulator, client: &Client, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut model = Model {
        card: Value::Null,
        serial: 0,
    };
    let card = model.initial(2);
    model.card = card.clone();
    let card_id = client
        .cards()
        .create(CreateCard::new(card))
        .await
        .map_err(|e| TestCaseError::fail(format!("create: {e}")))?;
    for (i, op) in ops.iter().enumerate() {
        step(client, &card_id, &mut model, op).await?;
        let remote = feishu
            .card(&card_id)
            .ok_or_else(|| TestCaseError::fail("the entity is gone"))?
            .json;
        prop_assert_eq!(
            &remote,
            &model.card,
            "after operation {} ({:?}) the emulator's card and the model differ",
            i,
            op
        );
    }
    Ok(())
}

#[test]
fn cardkit_sequences_leave_the_card_the_model_predicts() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let (feishu, client) = runtime.block_on(common::setup());
    let mut runner = TestRunner::new(Config {
        cases: 64,
        ..Config::default()
    });
    let result = runner.run(&prop::collection::vec(op(), 1..16), |ops| {
        runtime.block_on(run(&feishu, &client, ops))
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
