//! Properties of the rules engine over generated forms (proptest).

use jixiao_core::grade::Grade;
use jixiao_core::model::{Execution, Form, Funds, FundsRow, Goals, Indicator, Total};
use jixiao_core::score::{self, Rule};
use jixiao_core::{audit, quantity, rounding};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::util::profile;

/// A decimal with two places in [0, max].
fn money(max: i64) -> impl Strategy<Value = Decimal> {
    (0..=max * 100).prop_map(|cents| Decimal::new(cents, 2))
}

/// Any decimal a JSON document could carry, including negative and absurdly large ones.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        money(200),
        (any::<i64>(), 0u32..=28).prop_map(|(mantissa, scale)| Decimal::new(mantissa, scale)),
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        Just(Decimal::ZERO),
    ]
}

fn op() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "=",
        "≥",
        ">",
        "≤",
        "<",
        "≧",
        "不低于",
        "不超过",
        "大于",
        "小于",
        "",
    ])
}

fn target_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            op(),
            money(100_000),
            prop::sample::select(vec!["(%)", "(人次)", "天", "", "(分)"])
        )
            .prop_map(|(op, value, unit)| format!("{op}{value}{unit}")),
        prop::sample::select(vec!["及时", "提升", "建立健全", "", "12月底前完成"])
            .prop_map(str::to_owned),
        ".{0,12}",
    ]
}

fn actual_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            money(100_000),
            prop::sample::select(vec!["(%)", "(人次)", "天", "", "(分)"])
        )
            .prop_map(|(value, unit)| format!("{value}{unit}")),
        prop::sample::select(vec![
            "达成指标",
            "部分达成指标并具有一定效果",
            "未达成年度指标且效果较差",
            "良好",
            ""
        ])
        .prop_map(str::to_owned),
        ".{0,12}",
    ]
}

fn indicator() -> impl Strategy<Value = Indicator> {
    (
        prop::sample::select(vec!["产出指标", "效益指标", "满意度指标", "成本指标", ""]),
        prop::sample::select(vec![
            "数量指标",
            "质量指标",
            "社会效益指标",
            "服务对象满意度指标",
            "x",
        ]),
        prop::sample::select(vec!["培训人次", "合格率", "预算执行率", "满意度", ""]),
        target_text(),
        actual_text(),
        prop::option::weighted(0.9, any_decimal()),
        prop::option::weighted(0.9, any_decimal()),
        prop::sample::select(vec!["", "实际完成12个", "原因：延期"]),
    )
        .prop_map(
            |(level1, level2, name, target, actual, weight, score, note)| Indicator {
                level1: level1.into(),
                level2: level2.into(),
                name: name.into(),
                target,
                actual,
                weight,
                score,
                note: note.into(),
                extra: Default::default(),
            },
        )
}

fn funds_row() -> impl Strategy<Value = FundsRow> {
    (
        prop::option::weighted(0.9, any_decimal()),
        prop::option::weighted(0.9, any_decimal()),
        prop::option::weighted(0.9, any_decimal()),
        prop::option::weighted(0.9, any_decimal()),
    )
        .prop_map(|(initial, adjusted, executed, rate)| FundsRow {
            initial,
            adjusted,
            executed,
            rate,
        })
}

fn form() -> impl Strategy<Value = Form> {
    (
        prop::collection::vec(funds_row(), 4),
        prop::collection::vec(prop::option::weighted(0.9, any_decimal()), 5),
        prop::collection::vec(indicator(), 0..12),
        prop::sample::select(vec!["优", "良", "中", "差", "", "甲"]),
    )
        .prop_map(|(rows, numbers, indicators, grade)| Form {
            year: 2024,
            project: "生成的项目".into(),
            department: String::new(),
            implementing_unit: String::new(),
            funds: Funds {
                total: rows[0].clone(),
                appropriation: rows[1].clone(),
                carryover: rows[2].clone(),
                other: rows[3].clone(),
            },
            execution: Execution {
                weight: numbers[0],
                rate: numbers[1],
                score: numbers[2],
            },
            goals: Goals::default(),
            indicators,
            total: Total {
                weight: numbers[3],
                score: numbers[4],
            },
            grade: grade.into(),
            extra: Default::default(),
        })
}

fn single(target: String, actual: String, weight: Decimal) -> Indicator {
    Indicator {
        level1: "产出指标".into(),
        level2: "数量指标".into(),
        name: "n".into(),
        target,
        actual,
        weight: Some(weight),
        score: Some(Decimal::ZERO),
        note: String::new(),
        extra: Default::default(),
    }
}

fn rule_score(target: &str, actual: Decimal, weight: Decimal) -> Option<Decimal> {
    let rule = score::indicator(
        &single(target.to_owned(), format!("{actual}"), weight),
        &profile("national"),
    );
    match rule.rule {
        Rule::Computed { score, .. } => Some(score),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn audit_never_panics(form in form()) {
        for name in ["national", "shanghai"] {
            let result = audit::audit(&form, &profile(name));
            prop_assert_eq!(result.scorecard.indicators.len(), form.indicators.len());
        }
    }

    #[test]
    fn a_rule_score_lies_between_zero_and_the_weight(
        target in target_text(), actual in actual_text(), weight in money(100),
    ) {
        let rule = score::indicator(&single(target, actual, weight), &profile("national"));
        if let Rule::Computed { score, .. } = rule.rule {
            prop_assert!(score >= Decimal::ZERO && score <= weight, "{} not in [0, {}]", score, weight);
        }
        prop_assert!(rule.counted >= Decimal::ZERO && rule.counted <= weight);
    }

    #[test]
    fn more_never_scores_less_on_a_positive_target_and_never_more_on_a_reverse_one(
        op in prop::sample::select(vec!["≥", ">", "=", "≤", "<"]),
        target in money(1000), low in money(2000), rise in money(2000),
        weight in (1..=5000i64).prop_map(|cents| Decimal::new(cents, 2)),
    ) {
        let target_text = format!("{op}{target}(个)");
        let high = low + rise;
        let (Some(at_low), Some(at_high)) = (rule_score(&target_text, low, weight), rule_score(&target_text, high, weight)) else {
            return Err(TestCaseError::fail("a quantitative pair must be scored"));
        };
        if matches!(op, "≤" | "<") {
            prop_assert!(at_high <= at_low, "{} {} → {}, {} → {}", target_text, low, at_low, high, at_high);
        } else {
            prop_assert!(at_high >= at_low, "{} {} → {}, {} → {}", target_text, low, at_low, high, at_high);
        }
    }

    #[test]
    fn the_rule_total_is_the_sum_of_its_parts(form in form()) {
        let card = score::score(&form, &profile("shanghai"));
        // Added in the form's order: at 28 digits decimal addition rounds, so order matters.
        let parts = card.indicators.iter().fold(card.execution.score.unwrap_or_default(), |sum, rule| sum.saturating_add(rule.counted));
        prop_assert_eq!(card.total, parts);
        prop_assert_eq!(card.grade, Grade::of(card.total, &profile("shanghai").grade_bands));
    }

    #[test]
    fn the_grade_never_falls_as_the_total_rises(low in money(120), rise in money(120)) {
        let bands = profile("national").grade_bands;
        prop_assert!(Grade::of(low, &bands) <= Grade::of(low + rise, &bands));
    }

    #[test]
    fn numbers_print_as_decimal_prints_them(value in any_decimal()) {
        // The finding texts write digits by hand; they must say what Decimal's Display says.
        prop_assert_eq!(rounding::plain(value), value.normalize().to_string());
        let rounded = rounding::score_half_up(value);
        if rounded.scale() <= 2 && rounded.abs() < Decimal::from(10i64.pow(18)) {
            prop_assert_eq!(rounding::two_places(value), format!("{rounded:.2}"));
        }
    }

    #[test]
    fn execution_is_scored_as_the_rules_say(
        executed in (-1_000_000_000_000i64..1_000_000_000_000, 0u32..=3),
        budget in (-1_000_000_000_000i64..1_000_000_000_000, 0u32..=3),
        weight in prop::sample::select(vec!["10", "10.00", "5", "12.5", "15.25", "20", "0.5"]),
    ) {
        // rules.md §3: 执行率 = 执行数 × 100 / 全年预算数 rounded as the profile says;
        // score = round_half_up(min(max(执行数 / 全年预算数, 0), 1) × weight, 2). For amounts
        // like these, a Decimal product is exact and its quotient off by far less than 0.005.
        use rust_decimal::RoundingStrategy::{MidpointAwayFromZero, ToZero};
        let (executed, budget) = (
            Decimal::new(executed.0, executed.1),
            Decimal::new(budget.0, budget.1),
        );
        let weight: Decimal = weight.parse().unwrap();
        let mut form = crate::util::clean();
        form.funds.total.executed = Some(executed);
        form.funds.total.adjusted = Some(budget);
        form.execution.weight = Some(weight);
        for (name, strategy) in [("national", MidpointAwayFromZero), ("shanghai", ToZero)] {
            let card = score::score(&form, &profile(name));
            if budget.is_zero() {
                prop_assert_eq!(card.execution.rate, None);
                prop_assert_eq!(card.execution.score, None);
                continue;
            }
            let rate = (executed * Decimal::ONE_HUNDRED / budget).round_dp_with_strategy(2, strategy);
            prop_assert_eq!(card.execution.rate, Some(rate));
            let score = (executed * weight / budget).clamp(Decimal::ZERO, weight);
            prop_assert_eq!(card.execution.score, Some(rounding::score_half_up(score)));
        }
    }

    #[test]
    fn a_word_is_found_where_str_find_finds_it(
        // The characters of the words the audit looks for, so that partial and overlapping
        // matches are common.
        text in "[满意度执行率预算实际标a1 ]{0,30}", word in "[满意度执行率预算实际标a1 ]{1,4}",
    ) {
        let leaked: &'static str = Box::leak(word.clone().into_boxed_str());
        prop_assert_eq!(quantity::Word::new(leaked).find(&text), text.find(word.as_str()));
    }
}
