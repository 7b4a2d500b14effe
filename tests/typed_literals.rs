//! Measures written as literals (`width="100px"`, `size="16px 16px"`, `row_height="low"`) are
//! built by `card!` from the parts it checked, not parsed again at run time; the value it builds
//! is the one parsing the card's JSON gives.

use feishu_card::model::{
    BodyElement, BoxWidth, ColumnWidth, Element, Height, ImgSize, Length, RowHeight, Spacing,
    TableColumnWidth, Width,
};
use feishu_card::{card, Card};

/// The card read back from its own JSON: every measure parsed from its string.
fn reparsed(card: &Card) -> Card {
    Card::from_value(&card.to_value()).expect("a card built by card! parses")
}

fn elements(card: &Card) -> &[BodyElement] {
    &card
        .body
        .as_ref()
        .expect("a body")
        .elements
        .as_ref()
        .expect("elements")[..]
}

fn element(card: &Card, i: usize) -> &Element {
    match &elements(card)[i] {
        BodyElement::Element(e) => e,
        other => panic!("element {i} is {other:?}"),
    }
}

#[test]
fn measures_equal_their_parsed_values() {
    let card = card! {
        <card>
            <button width="120px">"a"</button>
            <button width="fill">"b"</button>
            <input name="n" width="default"/>
            <column_set horizontal_spacing="8px">
                <column width="weighted" weight=1></column>
                <column width="100px"></column>
                <column width="auto"></column>
            </column_set>
            <interactive_container width="200px" height="auto" corner_radius="50%"
                horizontal_spacing="extra_large" vertical_spacing="4px">
                <markdown>"x"</markdown>
            </interactive_container>
            <interactive_container width="auto" height="120px" corner_radius="8px"></interactive_container>
            <img img_key="k" size="100px 80px" custom_width="300px"/>
            <img img_key="k" size="stretch"/>
            <chart chart_spec={serde_json::json!({})} height="300px"/>
            <collapsible_panel>
                <header title="t">
                    <standard_icon token="down-small-ccm_outlined" size="16px 16px"/>
                </header>
                <markdown>"y"</markdown>
            </collapsible_panel>
            <table row_height="40px" row_max_height="60px">
                <column name="a" width="20%"/>
                <column name="b" width="100px"/>
                <column name="c" width="auto"/>
            </table>
            <table row_height="low">
                <column name="a"/>
            </table>
        </card>
    };
    assert_eq!(card, reparsed(&card));

    // The values themselves, as the model's variants.
    let Element::Button(b) = element(&card, 0) else {
        panic!("a button")
    };
    assert_eq!(b.width, Some(Width::Px(120)));
    let Element::Button(b) = element(&card, 1) else {
        panic!("a button")
    };
    assert_eq!(b.width, Some(Width::Fill));
    let Element::Input(i) = element(&card, 2) else {
        panic!("an input")
    };
    assert_eq!(i.width, Some(Width::Default));
    let Element::ColumnSet(set) = element(&card, 3) else {
        panic!("a column set")
    };
    assert_eq!(set.horizontal_spacing, Some(Spacing::Px(8)));
    let widths: Vec<_> = set.columns.iter().map(|c| c.width.clone()).collect();
    assert_eq!(
        widths,
        [
            Some(ColumnWidth::Weighted),
            Some(ColumnWidth::Px(100)),
            Some(ColumnWidth::Auto)
        ]
    );
    let Element::InteractiveContainer(ic) = element(&card, 4) else {
        panic!("an interactive container")
    };
    assert_eq!(ic.width, Some(BoxWidth::Px(200)));
    assert_eq!(ic.height, Some(Height::Auto));
    assert_eq!(ic.corner_radius, Some(Length::Percent(50)));
    assert_eq!(ic.horizontal_spacing, Some(Spacing::ExtraLarge));
    assert_eq!(ic.vertical_spacing, Some(Spacing::Px(4)));
    let Element::Img(img) = element(&card, 6) else {
        panic!("an image")
    };
    assert_eq!(img.size, Some(ImgSize::Px(100, 80)));
    let BodyElement::Table(t) = &elements(&card)[10] else {
        panic!("a table")
    };
    assert_eq!(t.row_height, Some(RowHeight::Px(40)));
    assert_eq!(t.row_max_height, Some(Length::Px(60)));
    let widths: Vec<_> = t.columns.iter().map(|c| c.width.clone()).collect();
    assert_eq!(
        widths,
        [
            Some(TableColumnWidth::Percent(20)),
            Some(TableColumnWidth::Px(100)),
            Some(TableColumnWidth::Auto)
        ]
    );
}

/// Text that parsing keeps as written (a leading zero, a sign) is kept as written by the macro
/// too, so that the card serializes back to the same JSON; a tolerated named value is built
/// from its variant as the documented ones are.
#[test]
// `horizontal_spacing="default"` is a tolerated 1.0 value: the macro warns, and builds it.
#[allow(deprecated)]
fn measures_kept_as_written_stay_as_written() {
    let card = card! {
        <card>
            <button width="0120px">"a"</button>
            <img img_key="k" custom_width="300px"/>
            <column_set horizontal_spacing="default"></column_set>
        </card>
    };
    assert_eq!(card, reparsed(&card));
    let Element::ColumnSet(set) = element(&card, 2) else {
        panic!("a column set")
    };
    assert_eq!(set.horizontal_spacing, Some(Spacing::Default));
    let json = card.to_value();
    assert_eq!(json["body"]["elements"][0]["width"], "0120px");
    assert_eq!(json["body"]["elements"][1]["custom_width"], "300px");
}
