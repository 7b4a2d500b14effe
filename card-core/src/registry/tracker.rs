//! The card-wide rules: what can only be judged with the whole card in view.

use super::rule::*;
use super::{Attr, Category, Component, Scalar, Violation, LIMITS};

/// Accumulates the card-wide rules while a card is walked, in document order, by any walker:
/// the runtime validator (with JSON locations) or the `card!` macro (with spans).
///
/// `L` is an opaque, cheap location (a `&serde_json::Value`, a `proc_macro2::Span`); `'s` is the
/// lifetime of the strings the walker hands over (ids and names are kept, not copied).
///
/// The walker calls [`enter`](Self::enter) when it reaches a component or tagged sub-element
/// and [`leave`](Self::leave) when it is done with it, and reports in between every attribute it
/// meets to [`attribute`](Self::attribute), which picks the facts the rules need
/// ([`element_id`](Self::element_id), [`name`](Self::name), [`required`](Self::required),
/// [`form_action`](Self::form_action), [`audio_id`](Self::audio_id)). Card-level facts go to [`forwarding`](Self::forwarding) and
/// [`header_tags`](Self::header_tags). [`finish`](Self::finish) returns every violation.
///
/// Placement (`table` at the root, `multi_select_static` in a form) is not judged here: see
/// [`placement_violation`](super::placement_violation).
///
/// ```
/// use card_core::registry::{self, CardTracker};
///
/// let mut t = CardTracker::new();
/// t.enter(&registry::FORM, "form");
/// t.name("ask", "form.name");
/// t.enter(&registry::INPUT, "input");
/// t.leave(); // no `name`: `form.field-name-missing`
/// t.leave(); // no submit button: `form.no-submit-button`
/// let found = t.finish();
/// let rules: Vec<_> = found.iter().map(|(at, v)| (*at, v.rule)).collect();
/// assert_eq!(
///     rules,
///     [("input", "form.field-name-missing"), ("form", "form.no-submit-button")]
/// );
/// ```
#[derive(Debug)]
pub struct CardTracker<'s, L> {
    frames: Vec<Frame<L>>,
    forms_open: usize,
    depth: usize,
    elements: usize,
    tables: usize,
    seq: usize,
    element_ids: Vec<Entry<'s, L>>,
    form_names: Vec<Entry<'s, L>>,
    field_names: Vec<Entry<'s, L>>,
    audio_ids: Vec<Entry<'s, L>>,
    /// Each `markdown` whose content holds tables, with how many.
    markdown_tables: Vec<(L, usize)>,
    first_audio: Option<L>,
    forwarding: bool,
    repeats: usize,
    found: Vec<(L, Violation)>,
}

#[derive(Debug)]
struct Frame<L> {
    component: &'static Component,
    at: L,
    named: bool,
    submits: bool,
}

#[derive(Debug)]
struct Entry<'s, L> {
    value: &'s str,
    at: L,
    tag: &'static str,
    seq: usize,
}

impl<L: Copy> Default for CardTracker<'_, L> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'s, L: Copy> CardTracker<'s, L> {
    /// A tracker for a new card, which forwards by default (`config.enable_forward` is `true`
    /// unless said otherwise).
    pub fn new() -> Self {
        CardTracker {
            frames: Vec::new(),
            forms_open: 0,
            depth: 0,
            elements: 0,
            tables: 0,
            seq: 0,
            element_ids: Vec::new(),
            form_names: Vec::new(),
            field_names: Vec::new(),
            audio_ids: Vec::new(),
            markdown_tables: Vec::new(),
            first_audio: None,
            forwarding: true,
            repeats: 0,
            found: Vec::new(),
        }
    }

    fn report(&mut self, at: L, rule: &'static str, message: String) {
        self.found.push((at, Violation::new(rule, message)));
    }

    /// Whether the current position is inside a form (any ancestor).
    pub fn in_form(&self) -> bool {
        self.forms_open > 0
    }

    /// What is reported from here to the matching [`leave_repeat`](Self::leave_repeat) is
    /// written once but built again on every pass of a loop (`@for` in `card!`): a literal
    /// value that must be unique in the card (an `element_id`, a form's or a form field's
    /// `name`, an `audio_id`) is then a duplicate as soon as the loop runs twice.
    ///
    /// ```
    /// use card_core::registry::{self, CardTracker};
    ///
    /// let mut t = CardTracker::new();
    /// t.enter_repeat();
    /// t.enter(&registry::MARKDOWN, "markdown");
    /// t.element_id("item", "markdown.element_id");
    /// t.leave();
    /// t.leave_repeat();
    /// let found = t.finish();
    /// assert_eq!(found[0].1.rule, "element_id.duplicate");
    /// assert!(found[0].1.message.contains("loop variable"));
    /// ```
    pub fn enter_repeat(&mut self) {
        self.repeats += 1;
    }

    /// The loop opened by the last [`enter_repeat`](Self::enter_repeat) is done.
    pub fn leave_repeat(&mut self) {
        self.repeats = self.repeats.saturating_sub(1);
    }

    /// A value that must be unique in the card, written literally inside a loop.
    fn repeated(
        &mut self,
        at: L,
        rule: &'static str,
        what: &str,
        value: &str,
        tag: &str,
        why: &str,
    ) {
        if self.repeats == 0 {
            return;
        }
        self.report(
            at,
            rule,
            format!(
                "`{what}: {value:?}` on `{tag}` is written inside `@for`, so every pass repeats it: {why}; compute it from the loop variable, such as `{what}={{format!(\"{value}_{{}}\", i)}}`"
            ),
        );
    }

    /// A component or tagged sub-element begins at `at`.
    pub fn enter(&mut self, component: &'static Component, at: L) {
        self.elements += 1;
        if self.elements == LIMITS.max_elements + 1 {
            self.report(
                at,
                ELEMENTS,
                format!(
                    "the card holds more than {} components and elements (text objects, icons and columns count): split it into several cards or drop elements",
                    LIMITS.max_elements
                ),
            );
        }
        if component.nests {
            self.depth += 1;
            if self.depth == LIMITS.max_depth + 1 {
                self.report(
                    at,
                    DEPTH,
                    format!(
                        "`{}` is nested {} containers deep: containers nest at most {} levels (a `column_set` and its columns count as one)",
                        component.tag, self.depth, LIMITS.max_depth
                    ),
                );
            }
        }
        if component.tag == "table" && component.category != Category::SubElement {
            self.tables += 1;
            if self.tables == LIMITS.max_tables + 1 {
                self.report(
                    at,
                    TABLES,
                    format!(
                        "this is table number {}: a card holds at most {} `table` components",
                        self.tables, LIMITS.max_tables
                    ),
                );
            }
        }
        if component.tag == "audio"
            && component.category != Category::SubElement
            && self.first_audio.is_none()
        {
            self.first_audio = Some(at);
        }
        if is_form(component) {
            self.forms_open += 1;
        }
        self.frames.push(Frame {
            component,
            at,
            named: false,
            submits: false,
        });
    }

    /// The component entered last is done.
    pub fn leave(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let tag = frame.component.tag;
        if frame.component.nests {
            self.depth -= 1;
        }
        if is_form(frame.component) {
            self.forms_open -= 1;
            if !frame.named {
                self.report(
                    frame.at,
                    FORM_NAME_MISSING,
                    "`form` needs a non-empty `name`, unique in the card: add `\"name\": \"…\"`"
                        .to_owned(),
                );
            }
            if !frame.submits {
                self.report(
                    frame.at,
                    NO_SUBMIT_BUTTON,
                    "`form` has no submit button: add a `button` with `\"form_action_type\": \"submit\"` (and a `name`)".to_owned(),
                );
            }
        } else if frame.component.form.needs_name() && self.in_form() && !frame.named {
            self.report(
                frame.at,
                FIELD_NAME_MISSING,
                format!(
                    "`{tag}` inside a `form` needs a non-empty `name`, unique in the card: the form submits each value under its component's name"
                ),
            );
        }
    }

    /// The current component has this `element_id` (at `at`).
    pub fn element_id(&mut self, id: &'s str, at: L) {
        let tag = self.current_tag();
        if !super::is_element_id(id) {
            let why = if id.is_empty() {
                "it is empty".to_owned()
            } else if id.chars().count() > 20 {
                format!("it is {} characters long", id.chars().count())
            } else if !id.as_bytes()[0].is_ascii_alphabetic() {
                "it does not start with a letter".to_owned()
            } else {
                "it holds characters other than letters, digits and `_`".to_owned()
            };
            self.report(
                at,
                ELEMENT_ID_PATTERN,
                format!(
                    "`element_id: {:?}` on `{tag}` is not a valid id ({why}): use a letter followed by at most 19 letters, digits or `_`",
                    id
                ),
            );
        }
        // Official examples give a `div` and its own text, or a component and a header tag,
        // the same id and are accepted: ids are unique among what the element APIs address,
        // the components and columns, not across text objects, icons and tags.
        if self.frames.last().is_some_and(|f| addressable(f.component)) {
            self.repeated(
                at,
                ELEMENT_ID_DUPLICATE,
                "element_id",
                id,
                tag,
                "element ids are unique in the card",
            );
            self.seq += 1;
            self.element_ids.push(Entry {
                value: id,
                at,
                tag,
                seq: self.seq,
            });
        }
    }

    /// The current component has this `name` (at `at`). Names of forms, and of components inside
    /// forms, must be non-empty and unique in the card.
    pub fn name(&mut self, name: &'s str, at: L) {
        let in_form = self.forms_open > usize::from(self.current_is_form());
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        let tag = frame.component.tag;
        let form = is_form(frame.component);
        let field = in_form && frame.component.form.needs_name();
        if name.is_empty() {
            return;
        }
        frame.named = true;
        self.seq += 1;
        let entry = Entry {
            value: name,
            at,
            tag,
            seq: self.seq,
        };
        if form {
            self.repeated(
                at,
                FORM_NAME_DUPLICATE,
                "name",
                name,
                tag,
                "form names are unique in the card",
            );
            self.form_names.push(entry);
        } else if field {
            self.repeated(
                at,
                FIELD_NAME_DUPLICATE,
                "name",
                name,
                tag,
                "names in forms are unique in the whole card",
            );
            self.field_names.push(entry);
        }
    }

    /// The current component has a `name` computed at run time: it is named, and the runtime
    /// validator judges whether the name is unique.
    pub fn computed_name(&mut self) {
        if let Some(frame) = self.frames.last_mut() {
            frame.named = true;
        }
    }

    /// The current component sets `required` to `value` (at `at`).
    pub fn required(&mut self, value: bool, at: L) {
        if value && !self.in_form() {
            let tag = self.current_tag();
            self.report(
                at,
                REQUIRED_OUTSIDE_FORM,
                format!(
                    "`required: true` on `{tag}` outside a `form` has no effect (the docs say it may be rejected): put the component in a form, or drop `required`"
                ),
            );
        }
    }

    /// The current component (a button) has this form action: `form_action_type` (`submit`,
    /// `reset`), 1.0 `action_type` (`form_submit`, `form_reset`), or a `form_action`
    /// behaviour's `behavior`. A submit action satisfies the innermost form.
    pub fn form_action(&mut self, action: &str) {
        if action == "submit" || action == "form_submit" {
            if let Some(form) = self.frames.iter_mut().rev().find(|f| is_form(f.component)) {
                form.submits = true;
            }
        }
    }

    /// One attribute met by a walker in the attribute table `table`, as written; the tracker
    /// keeps what the card-wide rules need (`element_id`, `name`, `required`, a button's form
    /// action, an audio's `audio_id`) and ignores the rest. `None` is a value computed at run
    /// time: a computed form action may submit, so it satisfies the form.
    ///
    /// Only the current component's own attributes count (`table` is its
    /// [`attrs`](Component::attrs)): the same names inside its objects and list entries (a table
    /// column's `name`, an object's `required`) are not the component's. Returns whether the
    /// tracker judged the value itself (an `element_id`'s pattern), so that the walker does not
    /// judge it again.
    ///
    /// Every walker reports attributes here, so that which attribute feeds which rule is
    /// decided once.
    ///
    /// ```
    /// use card_core::registry::{self, CardTracker, Scalar};
    ///
    /// let mut t = CardTracker::new();
    /// let button = &registry::BUTTON;
    /// t.enter(button, "button");
    /// // Not an audio: ignored.
    /// assert!(!t.attribute(button.attrs, "audio_id", Some(Scalar::Str("a1")), "button"));
    /// // Judged here: the walker leaves the pattern to the tracker.
    /// assert!(t.attribute(button.attrs, "element_id", Some(Scalar::Str("9x")), "button.element_id"));
    /// t.leave();
    /// let found = t.finish();
    /// assert_eq!(found.len(), 1);
    /// assert_eq!(found[0].1.rule, "element_id.pattern");
    /// ```
    pub fn attribute(
        &mut self,
        table: &'static [Attr],
        name: &str,
        value: Option<Scalar<'s>>,
        at: L,
    ) -> bool {
        let Some(current) = self.frames.last().map(|f| f.component) else {
            return false;
        };
        if !std::ptr::eq(table, current.attrs) {
            return false;
        }
        match (name, value) {
            ("element_id", Some(Scalar::Str(id))) => {
                self.element_id(id, at);
                return true;
            }
            ("name", Some(Scalar::Str(name))) => self.name(name, at),
            ("name", None) => self.computed_name(),
            ("required", Some(Scalar::Bool(b))) => self.required(b, at),
            ("form_action_type" | "action_type", Some(Scalar::Str(action))) => {
                self.form_action(action);
            }
            ("form_action_type" | "action_type", None) => self.form_action("submit"),
            ("audio_id", Some(Scalar::Str(id))) if current.tag == super::AUDIO.tag => {
                self.audio_id(id, at);
            }
            ("content", Some(Scalar::Str(content))) if std::ptr::eq(current, &super::MARKDOWN) => {
                self.markdown_content(content, at);
            }
            _ => {}
        }
        false
    }

    /// The current component (a `markdown`) shows `content` (at `at`): the tables written in it
    /// (GFM pipe tables) count toward the card's table limit.
    ///
    /// ```
    /// use card_core::registry::{self, CardTracker};
    ///
    /// let mut t = CardTracker::new();
    /// for i in 0..5 {
    ///     t.enter(&registry::TABLE, i);
    ///     t.leave();
    /// }
    /// t.enter(&registry::MARKDOWN, 5);
    /// t.markdown_content("| a | b |\n|---|---|\n| 1 | 2 |", 6);
    /// t.leave();
    /// let found = t.finish();
    /// assert_eq!(found[0].0, 6);
    /// assert_eq!(found[0].1.rule, "limit.markdown-tables");
    /// ```
    pub fn markdown_content(&mut self, content: &str, at: L) {
        let n = markdown_tables(content);
        if n > 0 {
            self.markdown_tables.push((at, n));
        }
    }

    /// The current component (an audio) has this `audio_id` (at `at`).
    pub fn audio_id(&mut self, id: &'s str, at: L) {
        let tag = self.current_tag();
        self.repeated(
            at,
            AUDIO_DUPLICATE_ID,
            "audio_id",
            id,
            tag,
            "audio ids are unique in the card",
        );
        self.seq += 1;
        self.audio_ids.push(Entry {
            value: id,
            at,
            tag,
            seq: self.seq,
        });
    }

    /// `config.enable_forward` is `enabled` (`true` when absent).
    pub fn forwarding(&mut self, enabled: bool) {
        self.forwarding = enabled;
    }

    /// A header holds `count` tags in `text_tag_list` (or in one locale of
    /// `i18n_text_tag_list`), at `at`.
    pub fn header_tags(&mut self, count: usize, at: L) {
        if count > LIMITS.max_header_tags {
            self.report(
                at,
                HEADER_TAGS,
                format!(
                    "the header has {count} tags but shows only the first {}: drop the others or move them into the body",
                    LIMITS.max_header_tags
                ),
            );
        }
    }

    /// Reported at the `markdown` whose tables take the card past the limit, once.
    fn markdown_table_limit(&mut self) {
        let in_markdown: usize = self.markdown_tables.iter().map(|(_, n)| n).sum();
        let total = self.tables + in_markdown;
        if in_markdown == 0 || total <= LIMITS.max_tables {
            return;
        }
        let mut counted = self.tables;
        let over = self.markdown_tables.iter().find_map(|(at, n)| {
            counted += n;
            (counted > LIMITS.max_tables).then_some(*at)
        });
        if let Some(at) = over {
            self.report(
                at,
                MARKDOWN_TABLES,
                format!(
                    "the card holds {total} tables, {} `table` components and {in_markdown} written in `markdown` content: Feishu counts both toward its limit of {} and may refuse the card (\"card table number over limit\"); show some tables as lists, or split the card",
                    self.tables,
                    LIMITS.max_tables
                ),
            );
        }
    }

    fn current_tag(&self) -> &'static str {
        self.frames.last().map_or("card", |f| f.component.tag)
    }

    fn current_is_form(&self) -> bool {
        self.frames.last().is_some_and(|f| is_form(f.component))
    }

    /// Every violation found, duplicates last (each at its second and later occurrences).
    pub fn finish(mut self) -> Vec<(L, Violation)> {
        // Components left open (a walker that stopped early) are closed, so that their forms
        // and fields are still judged.
        while !self.frames.is_empty() {
            self.leave();
        }
        if let (Some(at), true) = (self.first_audio, self.forwarding) {
            self.report(
                at,
                AUDIO_FORWARDABLE,
                "a card with `audio` cannot be forwarded: set `\"enable_forward\": false` in `config`".to_owned(),
            );
        }
        self.markdown_table_limit();
        let mut dups = Vec::new();
        duplicates(
            &mut self.element_ids,
            &mut dups,
            ELEMENT_ID_DUPLICATE,
            |v, first, here| {
                format!(
                "`element_id: {v:?}` on `{here}` is already used by a `{first}`: element ids are unique in the card"
            )
            },
        );
        duplicates(
            &mut self.form_names,
            &mut dups,
            FORM_NAME_DUPLICATE,
            |v, _, _| {
                format!("a `form` named {v:?} already exists: form names are unique in the card")
            },
        );
        duplicates(
            &mut self.field_names,
            &mut dups,
            FIELD_NAME_DUPLICATE,
            |v, first, here| {
                format!(
                "`name: {v:?}` on `{here}` is already used by a `{first}`: names in forms are unique in the whole card, or their values overwrite each other"
            )
            },
        );
        duplicates(
            &mut self.audio_ids,
            &mut dups,
            AUDIO_DUPLICATE_ID,
            |v, _, _| {
                format!("`audio_id: {v:?}` is already used by another `audio`: audio ids are unique in the card")
            },
        );
        dups.sort_by_key(|(seq, _, _)| *seq);
        self.found
            .extend(dups.into_iter().map(|(_, at, violation)| (at, violation)));
        self.found
    }
}

/// How many GFM pipe tables `content` holds: a header row with a `|`, followed by a delimiter
/// row of as many cells, each made of `-` with optional `:` at either end (`|---|:--:|`).
/// Rows inside fenced code blocks and indented code do not count.
pub(super) fn markdown_tables(content: &str) -> usize {
    let mut count = 0;
    let mut fence: Option<(char, usize)> = None;
    let mut header: Option<usize> = None;
    for line in content.lines() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let text = line.trim();
        if let Some(marker) = fence_marker(text).filter(|_| indent < 4) {
            fence = match fence {
                None => Some(marker),
                Some((c, n)) if marker.0 == c && marker.1 >= n => None,
                open => open,
            };
            header = None;
            continue;
        }
        if fence.is_some() || indent >= 4 || line.starts_with('\t') {
            header = None;
            continue;
        }
        if let (Some(cells), true) = (header, is_delimiter_row(text)) {
            if row_cells(text).count() == cells {
                count += 1;
                header = None;
                continue;
            }
        }
        header = text.contains('|').then(|| row_cells(text).count());
    }
    count
}

/// The fence a line opens or closes (```` ``` ```` or `~~~`, three or more), as its character
/// and length.
fn fence_marker(text: &str) -> Option<(char, usize)> {
    let c = text.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = text.chars().take_while(|x| *x == c).count();
    (n >= 3).then_some((c, n))
}

/// The cells of a table row, outer pipes removed; `\|` does not split.
fn row_cells(text: &str) -> impl Iterator<Item = &str> {
    let inner = text.strip_prefix('|').unwrap_or(text);
    let inner = match inner.strip_suffix('|') {
        Some(rest) if !rest.ends_with('\\') => rest,
        _ => inner,
    };
    let mut start = 0;
    let mut escaped = false;
    let mut cuts = Vec::new();
    for (i, c) in inner.char_indices() {
        match c {
            '\\' => escaped = !escaped,
            '|' if !escaped => {
                cuts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => escaped = false,
        }
    }
    cuts.push(&inner[start..]);
    cuts.into_iter()
}

/// `|---|:--:|`: every cell is dashes with optional colons, and the row has a pipe.
fn is_delimiter_row(text: &str) -> bool {
    text.contains('|')
        && row_cells(text).all(|cell| {
            let cell = cell.trim();
            let dashes = cell.strip_prefix(':').unwrap_or(cell);
            let dashes = dashes.strip_suffix(':').unwrap_or(dashes);
            !dashes.is_empty() && dashes.bytes().all(|b| b == b'-')
        })
}

/// Whether the component's `element_id` shares the card-wide namespace.
fn addressable(component: &Component) -> bool {
    component.category != Category::SubElement || component.opens.is_some()
}

fn is_form(component: &Component) -> bool {
    component.opens == Some(super::Container::Form)
}

/// Finds repeated values: sorting keeps this `O(n log n)` on hostile cards with thousands of ids.
fn duplicates<'s, L: Copy>(
    entries: &mut [Entry<'s, L>],
    out: &mut Vec<(usize, L, Violation)>,
    rule: &'static str,
    message: impl Fn(&str, &str, &str) -> String,
) {
    entries.sort_by(|a, b| a.value.cmp(b.value).then(a.seq.cmp(&b.seq)));
    for group in entries.chunk_by(|a, b| a.value == b.value) {
        let first = &group[0];
        for later in &group[1..] {
            out.push((
                later.seq,
                later.at,
                Violation::new(rule, message(later.value, first.tag, later.tag)),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry;

    fn rules(found: &[(u32, Violation)]) -> Vec<(u32, &'static str)> {
        found.iter().map(|(at, v)| (*at, v.rule)).collect()
    }

    #[test]
    fn duplicates_point_at_the_second_occurrence() {
        let mut t = CardTracker::new();
        for (at, id) in [(1, "a"), (2, "b"), (3, "a"), (4, "a")] {
            t.enter(&registry::DIV, at);
            t.element_id(id, at);
            t.leave();
        }
        let found = t.finish();
        assert_eq!(
            rules(&found),
            [(3, ELEMENT_ID_DUPLICATE), (4, ELEMENT_ID_DUPLICATE)]
        );
        assert!(found[0].1.message.contains("already used by a `div`"));
    }

    #[test]
    fn forms_need_names_and_a_submit_button() {
        let mut t = CardTracker::new();
        t.enter(&registry::FORM, 1);
        t.enter(&registry::COLUMN_SET, 2);
        t.enter(&registry::COLUMN, 3);
        t.enter(&registry::BUTTON, 4);
        t.name("ok", 5);
        t.form_action("form_submit");
        t.leave();
        t.leave();
        t.leave();
        t.leave();
        t.enter(&registry::FORM, 6);
        t.name("", 7);
        t.enter(&registry::INPUT, 8);
        t.name("ok", 9);
        t.required(true, 10);
        t.leave();
        t.leave();
        let found = t.finish();
        assert_eq!(
            rules(&found),
            [
                (1, FORM_NAME_MISSING),
                (6, FORM_NAME_MISSING),
                (6, NO_SUBMIT_BUTTON),
                (9, FIELD_NAME_DUPLICATE)
            ]
        );
    }

    #[test]
    fn required_outside_form_and_counts() {
        let mut t = CardTracker::new();
        t.enter(&registry::INPUT, 1);
        t.required(false, 2);
        t.required(true, 3);
        t.leave();
        for i in 0..6 {
            t.enter(&registry::TABLE, 10 + i);
            t.leave();
        }
        for i in 0..6 {
            t.enter(&registry::COLLAPSIBLE_PANEL, 20 + i);
        }
        t.header_tags(4, 30);
        t.enter(&registry::AUDIO, 40);
        t.audio_id("x", 41);
        t.leave();
        t.enter(&registry::AUDIO, 42);
        t.audio_id("x", 43);
        t.leave();
        let found = t.finish();
        assert_eq!(
            rules(&found),
            [
                (3, REQUIRED_OUTSIDE_FORM),
                (15, TABLES),
                (25, DEPTH),
                (30, HEADER_TAGS),
                (40, AUDIO_FORWARDABLE),
                (43, AUDIO_DUPLICATE_ID)
            ]
        );
    }

    /// Only the current component's own attribute table feeds the rules: the same names in an
    /// object's table, or an `audio_id` on another component, are ignored.
    #[test]
    fn attributes_feed_the_rules_only_from_their_own_component() {
        let mut t = CardTracker::new();
        t.enter(&registry::FORM, 1);
        t.attribute(registry::FORM.attrs, "name", Some(Scalar::Str("f")), 2);
        t.enter(&registry::INPUT, 3);
        t.attribute(registry::HEADER, "name", Some(Scalar::Str("n")), 4);
        t.attribute(registry::HEADER, "required", Some(Scalar::Bool(true)), 5);
        t.leave();
        t.enter(&registry::BUTTON, 6);
        t.attribute(registry::BUTTON.attrs, "name", None, 7);
        t.attribute(registry::BUTTON.attrs, "form_action_type", None, 8);
        t.attribute(
            registry::BUTTON.attrs,
            "audio_id",
            Some(Scalar::Str("a")),
            9,
        );
        t.leave();
        t.leave();
        t.enter(&registry::AUDIO, 10);
        assert!(!t.attribute(
            registry::AUDIO.attrs,
            "audio_id",
            Some(Scalar::Str("a")),
            11
        ));
        assert!(!t.attribute(registry::HEADER, "element_id", Some(Scalar::Str("1")), 12));
        t.leave();
        t.forwarding(false);
        assert_eq!(rules(&t.finish()), [(3, FIELD_NAME_MISSING)]);
    }

    #[test]
    fn markdown_tables_are_pipe_tables_outside_code() {
        let cases: &[(&str, usize)] = &[
            ("| a | b |\n|---|---|\n| 1 | 2 |", 1),
            ("a | b\n--- | ---\n1 | 2", 1),
            ("|a|\n|:-:|", 1),
            ("| a | b |\n|---|\n", 0),
            ("a\n---\n", 0),
            ("| a |\n| b |", 0),
            ("```\n| a |\n|---|\n```\n| c |\n|---|", 1),
            ("    | a |\n    |---|", 0),
            ("| a \\| b |\n|---|", 1),
            ("|a|\n|-|\n\n|b|c|\n|--|--|\n|1|2|\n\n|d|\n|---|", 3),
            ("no tables here | at all", 0),
        ];
        for (content, n) in cases {
            assert_eq!(markdown_tables(content), *n, "{content:?}");
        }
    }

    #[test]
    fn markdown_tables_count_with_table_components() {
        let table = "|a|\n|-|";
        let two = "|a|\n|-|\n\n|b|\n|-|";
        // Four components and one markdown table: within the limit.
        let mut t = CardTracker::new();
        for i in 0..4 {
            t.enter(&registry::TABLE, i);
            t.leave();
        }
        t.enter(&registry::MARKDOWN, 10);
        t.attribute(
            registry::MARKDOWN.attrs,
            "content",
            Some(Scalar::Str(table)),
            11,
        );
        t.leave();
        assert!(t.finish().is_empty());
        // Four components, then markdown tables 1 + 2: the second markdown goes over.
        let mut t = CardTracker::new();
        for i in 0..4 {
            t.enter(&registry::TABLE, i);
            t.leave();
        }
        for (at, content) in [(11, table), (21, two)] {
            t.enter(&registry::MARKDOWN, at - 1);
            t.attribute(
                registry::MARKDOWN.attrs,
                "content",
                Some(Scalar::Str(content)),
                at,
            );
            t.leave();
        }
        // The collapsible panel's markdown title is not a `markdown` element.
        t.enter(&registry::COLLAPSIBLE_TITLE_MARKDOWN, 30);
        t.attribute(
            registry::COLLAPSIBLE_TITLE_MARKDOWN.attrs,
            "content",
            Some(Scalar::Str(two)),
            31,
        );
        t.leave();
        let found = t.finish();
        assert_eq!(rules(&found), [(21, MARKDOWN_TABLES)]);
        assert!(
            found[0]
                .1
                .message
                .contains("7 tables, 4 `table` components and 3 written in `markdown` content"),
            "{}",
            found[0].1.message
        );
        assert_eq!(found[0].1.severity, crate::Severity::Warning);
    }

    #[test]
    fn element_limit_and_patterns() {
        let mut t = CardTracker::new();
        for i in 0..=LIMITS.max_elements as u32 {
            t.enter(&registry::HR, i);
            t.leave();
        }
        t.enter(&registry::HR, 1000);
        t.element_id("1abc", 1001);
        t.element_id("this_id_is_far_too_long", 1002);
        t.leave();
        t.forwarding(false);
        let found = t.finish();
        assert_eq!(
            rules(&found),
            [
                (LIMITS.max_elements as u32, ELEMENTS),
                (1001, ELEMENT_ID_PATTERN),
                (1002, ELEMENT_ID_PATTERN)
            ]
        );
        assert!(found[2].1.message.contains("23 characters long"));
    }
}
