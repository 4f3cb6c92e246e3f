//! Shared fixtures: the seed text and its golden JSON, the variant files, and a comparison of
//! forms that names the form and the field that differ.

use jixiao_core::json;
use jixiao_core::model::{Form, FundsRow};
use jixiao_import::Import;

pub const SEED_TEXT: &str = include_str!("../../../examples/2024-shanghai-cgj-selfeval.txt");
pub const SEED_JSON: &str = include_str!("../../../examples/2024-shanghai-cgj-selfeval.json");

/// The golden forms, transcribed by hand.
pub fn golden() -> Vec<Form> {
    json::forms_from_str(SEED_JSON).expect("the golden JSON reads")
}

/// The bytes of a file under `tests/data/`.
pub fn data(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// The warnings of an import as their messages print.
pub fn warnings(import: &Import) -> Vec<String> {
    import.warnings.iter().map(ToString::to_string).collect()
}

/// The errors of an import as their messages print.
pub fn errors(import: &Import) -> Vec<String> {
    import.errors.iter().map(ToString::to_string).collect()
}

/// Asserts that two lists of forms are equal, field by field, then as `Form`s, then as JSON text
/// (so that the scale of every number counts).
pub fn assert_forms_eq(expected: &[Form], actual: &[Form]) {
    let projects = |forms: &[Form]| forms.iter().map(|f| f.project.clone()).collect::<Vec<_>>();
    assert_eq!(projects(expected), projects(actual), "the forms read");
    for (index, (expected, actual)) in expected.iter().zip(actual).enumerate() {
        assert_form_eq(
            &format!("form {} ({})", index + 1, expected.project),
            expected,
            actual,
        );
    }
}

/// Asserts that two forms are equal; a failure names `form` and the field.
pub fn assert_form_eq(form: &str, expected: &Form, actual: &Form) {
    assert_eq!(expected.year, actual.year, "{form}: year");
    assert_eq!(expected.project, actual.project, "{form}: project");
    assert_eq!(expected.department, actual.department, "{form}: department");
    assert_eq!(
        expected.implementing_unit, actual.implementing_unit,
        "{form}: implementing_unit"
    );
    let rows = |form: &Form| -> [(&'static str, FundsRow); 4] {
        [
            ("total", form.funds.total.clone()),
            ("appropriation", form.funds.appropriation.clone()),
            ("carryover", form.funds.carryover.clone()),
            ("other", form.funds.other.clone()),
        ]
    };
    for ((key, expected_row), (_, actual_row)) in rows(expected).iter().zip(rows(actual).iter()) {
        let text = |row: &FundsRow| {
            [row.initial, row.adjusted, row.executed, row.rate].map(|v| v.map(|d| d.to_string()))
        };
        assert_eq!(text(expected_row), text(actual_row), "{form}: funds.{key}");
    }
    let execution = |form: &Form| {
        let e = &form.execution;
        [e.weight, e.rate, e.score].map(|v| v.map(|d| d.to_string()))
    };
    assert_eq!(execution(expected), execution(actual), "{form}: execution");
    assert_eq!(
        expected.goals.expected, actual.goals.expected,
        "{form}: goals.expected"
    );
    assert_eq!(
        expected.goals.actual, actual.goals.actual,
        "{form}: goals.actual"
    );
    for (index, (e, a)) in expected
        .indicators
        .iter()
        .zip(&actual.indicators)
        .enumerate()
    {
        let at = format!("{form}: indicators[{index}] ({})", e.name);
        assert_eq!(e.level1, a.level1, "{at}.level1");
        assert_eq!(e.level2, a.level2, "{at}.level2");
        assert_eq!(e.name, a.name, "{at}.name");
        assert_eq!(e.target, a.target, "{at}.target");
        assert_eq!(e.actual, a.actual, "{at}.actual");
        let text = |v: Option<rust_decimal::Decimal>| v.map(|d| d.to_string());
        assert_eq!(text(e.weight), text(a.weight), "{at}.weight");
        assert_eq!(text(e.score), text(a.score), "{at}.score");
        assert_eq!(e.note, a.note, "{at}.note");
        assert_eq!(e.extra, a.extra, "{at}.extra");
    }
    assert_eq!(
        expected.indicators.len(),
        actual.indicators.len(),
        "{form}: number of indicators"
    );
    let total =
        |form: &Form| [form.total.weight, form.total.score].map(|v| v.map(|d| d.to_string()));
    assert_eq!(total(expected), total(actual), "{form}: total");
    assert_eq!(expected.grade, actual.grade, "{form}: grade");
    assert_eq!(expected.extra, actual.extra, "{form}: extra");
    assert_eq!(expected, actual, "{form}");
    let text = |form: &Form| json::forms_to_string(std::slice::from_ref(form));
    assert_eq!(text(expected), text(actual), "{form}: JSON text");
}
