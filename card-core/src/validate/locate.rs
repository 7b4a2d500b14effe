//! Turning a node of the card back into its [`Location`], for problems the card-wide tracker
//! found and reported by node.
//!
//! The tracker keeps `&Value`s instead of paths so that walking a valid card never builds a
//! path; the few nodes that need one are found afterwards in a single pass over the card.

use serde_json::Value;

use crate::diagnostic::{Location, Segment};

/// The locations of `targets` (nodes of `root`, compared by address), in the order given;
/// `None` for a node not found under `root`.
pub fn locate_all<'a>(root: &'a Value, targets: &[*const Value]) -> Vec<Option<Location<'a>>> {
    let mut sorted: Vec<(*const Value, usize)> =
        targets.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    sorted.sort_unstable();
    let mut found = vec![None; targets.len()];
    let mut remaining = targets.len();
    let mut loc = Location::root();
    visit(root, &mut loc, &sorted, &mut found, &mut remaining);
    found
}

fn visit<'a>(
    node: &'a Value,
    loc: &mut Location<'a>,
    sorted: &[(*const Value, usize)],
    found: &mut [Option<Location<'a>>],
    remaining: &mut usize,
) {
    if *remaining == 0 || loc.segments().len() > super::walk::MAX_WALK_DEPTH {
        return;
    }
    let address = node as *const Value;
    let start = sorted.partition_point(|(t, _)| *t < address);
    for (_, index) in sorted[start..].iter().take_while(|(t, _)| *t == address) {
        if found[*index].is_none() {
            found[*index] = Some(loc.clone());
            *remaining -= 1;
        }
    }
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                loc.push(Segment::Key(key));
                visit(value, loc, sorted, found, remaining);
                loc.pop();
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                loc.push(Segment::Index(i, tag_of(value)));
                visit(value, loc, sorted, found, remaining);
                loc.pop();
            }
        }
        _ => {}
    }
}

/// The `tag` of an object, for the `[2](tag: table)` steps of a path.
pub fn tag_of(value: &Value) -> Option<&str> {
    value.get("tag").and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nodes_by_address() {
        let card: Value = serde_json::json!({
            "body": {"elements": [{"tag": "div", "element_id": "a"}, {"tag": "hr"}]}
        });
        let id = &card["body"]["elements"][0]["element_id"];
        let hr = &card["body"]["elements"][1];
        let other = Value::Null;
        let found = locate_all(&card, &[hr, id, &other, hr]);
        let pointers: Vec<Option<String>> = found
            .iter()
            .map(|l| l.as_ref().map(Location::json_pointer))
            .collect();
        assert_eq!(
            pointers,
            [
                Some("/body/elements/1".to_owned()),
                Some("/body/elements/0/element_id".to_owned()),
                None,
                Some("/body/elements/1".to_owned()),
            ]
        );
        assert_eq!(
            found[0].as_ref().unwrap().feishu_path(),
            "ROOT -> body -> elements -> [1](tag: hr)"
        );
    }
}
