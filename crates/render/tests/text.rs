//! The text layout: import(render(forms)) == forms, on the seed and on generated forms.

use jixiao_core::json;
use jixiao_core::model::{Execution, Form, Funds, FundsRow, Goals, Indicator, Total};
use proptest::prelude::*;
use rust_decimal::Decimal;

const SEED_JSON: &str = include_str!("../../../examples/2024-shanghai-cgj-selfeval.json");

fn import(text: &str) -> Vec<Form> {
    let import = jixiao_import::read_text(text);
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    import.forms
}

#[test]
fn the_seed_round_trips() {
    let forms = json::forms_from_str(SEED_JSON).unwrap();
    let text = jixiao_render::text::forms(&forms);
    assert_eq!(import(&text), forms);
    // Labels are printed once per group, as merged cells are.
    assert_eq!(
        text.lines()
            .filter(|line| line.starts_with("产出指标\t"))
            .count(),
        15
    );
}

/// Two-decimal amounts, as forms print them.
fn amount() -> impl Strategy<Value = Decimal> {
    (0i64..=10_000_000).prop_map(|cents| Decimal::new(cents, 2))
}

/// Text in the canonical form of form-json.md: no spaces, tabs or line breaks.
fn words(pool: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(pool), 1..=max).prop_map(|parts| parts.concat())
}

/// A name or a sentence: it starts with a word, as real ones do (a bare `7` in the name column
/// of a row whose score was lost could as well be the score).
fn phrase(max: usize) -> impl Strategy<Value = String> {
    (words(PROJECT_WORDS, 2), words(WORDS, max)).prop_map(|(head, tail)| head + &tail)
}

const WORDS: &[&str] = &[
    "城管",
    "执法",
    "培训",
    "课题",
    "研究",
    "宣传",
    "项目",
    "完成",
    "人员",
    "资料",
    "合格",
    "维修",
    "2024",
    "年度",
    "（一）",
    "、",
    "，",
    "。",
    "“双十佳”",
    "A",
    "7",
    "100%",
    "12月",
    "city",
];
const PROJECT_WORDS: &[&str] = &[
    "城管", "执法", "培训", "课题", "研究", "宣传", "维修", "579号", "大厦",
];

fn indicator() -> impl Strategy<Value = Indicator> {
    let levels = prop::sample::select(vec![
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("产出指标", "时效指标"),
        ("产出指标", "成本指标"),
        ("效益指标", "社会效益指标"),
        ("效益指标", "经济效益指标"),
        ("效益指标", "生态效益指标"),
        ("效益指标", "可持续影响指标"),
        ("满意度指标", "服务对象满意度指标"),
    ]);
    let target = prop_oneof![
        (
            prop::sample::select(vec!["=", "≥", "≤", ">", "<"]),
            0u32..100_000,
            prop::sample::select(vec!["(人)", "(%)", "(天)", "(份)", "(分)"])
        )
            .prop_map(|(op, value, unit)| format!("{op}{value}{unit}")),
        prop::sample::select(vec![
            "及时",
            "建立健全",
            "提升",
            "10月底完成",
            "通过编办审核"
        ])
        .prop_map(str::to_owned),
    ];
    let actual = prop_oneof![
        (
            amount(),
            prop::sample::select(vec!["(人)", "(%)", "(天)", "(份)", "(分)"])
        )
            .prop_map(|(value, unit)| format!("{value}{unit}")),
        prop::sample::select(vec![
            "达成指标",
            "部分达成指标并具有一定效果",
            "未达成指标且效果较差"
        ])
        .prop_map(str::to_owned),
    ];
    (
        levels,
        phrase(6),
        target,
        actual,
        amount(),
        prop::option::weighted(0.95, amount()),
        prop_oneof![Just(String::new()), phrase(20)],
    )
        .prop_map(
            |((level1, level2), name, target, actual, weight, score, note)| Indicator {
                level1: level1.into(),
                level2: level2.into(),
                name,
                target,
                actual,
                weight: Some(weight),
                score,
                note,
                extra: Default::default(),
            },
        )
}

fn funds_row() -> impl Strategy<Value = FundsRow> {
    (amount(), amount(), amount(), amount()).prop_map(|(initial, adjusted, executed, rate)| {
        FundsRow {
            initial: Some(initial),
            adjusted: Some(adjusted),
            executed: Some(executed),
            rate: Some(rate),
        }
    })
}

fn goals() -> impl Strategy<Value = String> {
    prop::collection::vec(phrase(12), 1..4).prop_map(|paragraphs| paragraphs.join("\n"))
}

fn form() -> impl Strategy<Value = Form> {
    (
        (
            2015i32..2030,
            words(PROJECT_WORDS, 5),
            words(PROJECT_WORDS, 4),
            words(PROJECT_WORDS, 4),
        ),
        prop::collection::vec(funds_row(), 4),
        (amount(), amount()),
        (goals(), goals()),
        prop::collection::vec(indicator(), 1..25),
        (
            amount(),
            amount(),
            prop::sample::select(vec!["优", "良", "中", "差"]),
        ),
    )
        .prop_map(
            |(
                (year, project, department, unit),
                rows,
                (weight, score),
                (expected, actual),
                indicators,
                (total_weight, total, grade),
            )| Form {
                year,
                project,
                department,
                implementing_unit: unit,
                funds: Funds {
                    total: rows[0].clone(),
                    appropriation: rows[1].clone(),
                    carryover: rows[2].clone(),
                    other: rows[3].clone(),
                },
                execution: Execution {
                    weight: Some(weight),
                    // The layout prints the execution rate once, in the 年度资金总额 row.
                    rate: rows[0].rate,
                    score: Some(score),
                },
                goals: Goals { expected, actual },
                indicators,
                total: Total {
                    weight: Some(total_weight),
                    score: Some(total),
                },
                grade: grade.into(),
                extra: Default::default(),
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn import_reads_back_what_render_writes(forms in prop::collection::vec(form(), 1..4)) {
        let text = jixiao_render::text::forms(&forms);
        let import = jixiao_import::read_text(&text);
        prop_assert!(import.errors.is_empty(), "{:?}\n{}", import.errors, text);
        prop_assert_eq!(import.forms, forms, "{}", text);
    }
}
