//! One planted case per finding code (rules.md §6): each takes the clean form, plants one error,
//! and checks that the audit reports it with the right code, place and severity. The clean form
//! itself has no finding at all, under both profiles, so every code is also shown silent.

use jixiao_core::finding::{Code, Severity};
use jixiao_core::model::Form;
use jixiao_core::report::place_name;

use crate::util::{audit, clean, d};

/// A finding as the report shows it.
#[derive(Debug)]
struct Seen {
    place: String,
    severity: Severity,
    reported: Option<String>,
    expected: Option<String>,
    message: String,
}

/// Plants `plant` in the clean form, audits under `profile`, and returns the findings of `code`.
fn planted(profile: &str, code: Code, plant: impl FnOnce(&mut Form)) -> Vec<Seen> {
    let mut form = clean();
    plant(&mut form);
    let result = audit(&form, profile);
    result
        .findings
        .iter()
        .filter(|finding| finding.code == code)
        .map(|finding| Seen {
            place: place_name(&form, &finding.place),
            severity: finding.severity,
            reported: finding.reported.clone(),
            expected: finding.expected.clone(),
            message: finding.message().into_owned(),
        })
        .collect()
}

/// Asserts exactly one finding of `code` at `place` with `severity`; returns it.
fn check(
    profile: &str,
    code: Code,
    place: &str,
    severity: Severity,
    plant: impl FnOnce(&mut Form),
) -> Seen {
    let found = planted(profile, code, plant);
    assert_eq!(
        found.len(),
        1,
        "{code}: expected one finding, got {found:#?}"
    );
    let seen = found.into_iter().next().unwrap();
    assert_eq!(seen.place, place, "{code}: place");
    assert_eq!(seen.severity, severity, "{code}: severity");
    assert!(!seen.message.is_empty());
    seen
}

#[test]
fn the_clean_form_has_no_findings() {
    for profile in ["national", "shanghai"] {
        let result = audit(&clean(), profile);
        assert!(
            result.findings.is_empty(),
            "{profile}: {:#?}",
            result.findings
        );
        assert_eq!(result.scorecard.total, d("96.50"));
    }
}

#[test]
fn findings_come_in_the_order_of_the_form() {
    let mut form = clean();
    form.funds.total.initial = Some(d("90")); // funds-sum
    form.indicators[5].target = "及时".into(); // vague-target
    form.indicators[3].weight = None; // value-missing, pushed with the totals' checks
    form.indicators[3].target = "提升".into(); // vague-target, on the same row
    form.indicators[1].score = Some(d("10")); // score-below-rule and note-missing
    form.grade = "良".into(); // grade
    let result = audit(&form, "national");
    let seen: Vec<(&str, String)> = result
        .findings
        .iter()
        .map(|finding| (finding.code.as_str(), place_name(&form, &finding.place)))
        .collect();
    let expected = [
        ("funds-sum", "funds.total.initial"),
        ("level1-weights", "indicators.产出指标"),
        ("score-below-rule", "培训合格率"),
        ("note-missing", "培训合格率"),
        // The totals' checks look at every row first; on a row, their findings come first.
        ("value-missing", "人均培训成本"),
        ("qualitative-grade-unknown", "人均培训成本"),
        ("vague-target", "人均培训成本"),
        ("vague-target", "培训管理办法修订"),
        ("weight-sum", "total.weight"),
        ("total-sum", "total.score"),
        ("grade", "grade"),
    ];
    let expected: Vec<(&str, String)> = expected
        .iter()
        .map(|(code, place)| (*code, place.to_string()))
        .collect();
    assert_eq!(seen, expected);
}

#[test]
fn funds_sum() {
    let seen = check(
        "national",
        Code::FundsSum,
        "funds.total.initial",
        Severity::Error,
        |form| {
            form.funds.carryover.initial = Some(d("5.00"));
        },
    );
    assert_eq!(
        seen.message,
        "年度资金总额的年初预算数为100.00，各来源合计为105.00（100.00+5.00+0.00）"
    );
}

#[test]
fn funds_sum_allows_a_cent_per_source() {
    let found = planted("national", Code::FundsSum, |form| {
        form.funds.appropriation.initial = Some(d("99.99"));
    });
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn zero_budget() {
    check(
        "national",
        Code::ZeroBudget,
        "funds.total.adjusted",
        Severity::Error,
        |form| {
            form.funds.total.adjusted = Some(d("0.00"));
            form.funds.appropriation.adjusted = Some(d("0.00"));
        },
    );
}

#[test]
fn overspend() {
    let found = planted("national", Code::Overspend, |form| {
        form.funds.total.executed = Some(d("105.00"));
        form.funds.appropriation.executed = Some(d("105.00"));
        form.funds.total.rate = Some(d("105.00"));
        form.funds.appropriation.rate = Some(d("105.00"));
        form.execution.rate = Some(d("105.00"));
        form.execution.score = Some(d("10.00"));
    });
    let places: Vec<&str> = found.iter().map(|f| f.place.as_str()).collect();
    assert_eq!(
        places,
        ["funds.total.executed", "funds.appropriation.executed"]
    );
    assert!(found.iter().all(|f| f.severity == Severity::Warning));
}

#[test]
fn rate() {
    let seen = check(
        "national",
        Code::Rate,
        "funds.total.rate",
        Severity::Error,
        |form| {
            form.funds.total.rate = Some(d("96.00"));
            form.execution.rate = Some(d("96.00"));
        },
    );
    assert!(seen.message.contains("应为95.00"), "{}", seen.message);
}

#[test]
fn rate_of_a_source_without_budget_is_zero() {
    check(
        "national",
        Code::Rate,
        "funds.carryover.rate",
        Severity::Error,
        |form| {
            form.funds.carryover.rate = Some(d("100.00"));
        },
    );
}

#[test]
fn execution_score() {
    let seen = check(
        "national",
        Code::ExecutionScore,
        "execution.score",
        Severity::Error,
        |form| {
            form.execution.score = Some(d("10.00"));
            form.total.score = Some(d("97.00"));
        },
    );
    assert_eq!(
        seen.message,
        "预算执行得分应为9.50（95/100×10=9.50），表中为10.00"
    );
}

#[test]
fn weight_sum() {
    let seen = check(
        "shanghai",
        Code::WeightSum,
        "total.weight",
        Severity::Error,
        |form| {
            form.indicators[0].weight = Some(d("25.00"));
            form.indicators[0].note = "目标调整".into();
            form.indicators[0].score = Some(d("20.00"));
        },
    );
    assert!(seen.message.contains("105.00"), "{}", seen.message);
}

#[test]
fn score_range() {
    check(
        "national",
        Code::ScoreRange,
        "培训人次",
        Severity::Error,
        |form| {
            form.indicators[0].score = Some(d("21.00"));
            form.total.score = Some(d("97.50"));
        },
    );
}

#[test]
fn score_range_of_a_zero_weight() {
    check(
        "national",
        Code::ScoreRange,
        "培训合格率",
        Severity::Error,
        |form| {
            form.indicators[1].weight = Some(d("0.00"));
        },
    );
}

#[test]
fn total_sum() {
    let seen = check(
        "national",
        Code::TotalSum,
        "total.score",
        Severity::Error,
        |form| {
            form.total.score = Some(d("97.00"));
        },
    );
    assert_eq!(
        seen.message,
        "总分97.00不等于各项得分之和96.50（预算执行9.50+三级指标87.00）"
    );
}

#[test]
fn grade() {
    check("national", Code::Grade, "grade", Severity::Error, |form| {
        form.grade = "良".into()
    });
    check("national", Code::Grade, "grade", Severity::Error, |form| {
        form.grade = "".into()
    });
}

#[test]
fn score_above_rule() {
    let seen = check(
        "national",
        Code::ScoreAboveRule,
        "培训人次",
        Severity::Error,
        |form| {
            form.indicators[0].actual = "80.00(人次)".into();
            form.indicators[0].note = "疫情影响".into();
        },
    );
    assert_eq!(
        seen.message,
        "得分20.00高于按完成比例计算的16.00（80/100×20）"
    );
    assert_eq!(
        (seen.reported.as_deref(), seen.expected.as_deref()),
        (Some("20.00"), Some("16.00"))
    );
}

#[test]
fn score_above_rule_for_a_reverse_target() {
    let seen = check(
        "national",
        Code::ScoreAboveRule,
        "人均培训成本",
        Severity::Error,
        |form| {
            form.indicators[3].actual = "625.00(元)".into();
            form.indicators[3].note = "物价上涨".into();
        },
    );
    assert_eq!(
        seen.message,
        "得分5.00高于按完成比例计算的4.00（500/625×5）"
    );
}

#[test]
fn score_below_rule_is_a_warning_without_a_note_and_info_with_one() {
    check(
        "national",
        Code::ScoreBelowRule,
        "培训人次",
        Severity::Warning,
        |form| {
            form.indicators[0].score = Some(d("18.00"));
            form.total.score = Some(d("94.50"));
        },
    );
    check(
        "national",
        Code::ScoreBelowRule,
        "培训人次",
        Severity::Info,
        |form| {
            form.indicators[0].score = Some(d("18.00"));
            form.indicators[0].note = "部分学员请假".into();
            form.total.score = Some(d("94.50"));
        },
    );
}

#[test]
fn qualitative_band() {
    let seen = check(
        "national",
        Code::QualitativeBand,
        "培训管理办法修订",
        Severity::Error,
        |form| {
            form.indicators[5].score = Some(d("9.00"));
            form.total.score = Some(d("98.50"));
        },
    );
    assert_eq!(
        seen.message,
        "完成情况为“部分达成指标并具有一定效果”，得分应在[6.00,8.00)之间，表中为9.00"
    );
}

#[test]
fn qualitative_band_upper_bound_depends_on_the_profile() {
    let plant = |form: &mut Form| {
        form.indicators[5].score = Some(d("8.00"));
        form.total.score = Some(d("97.50"));
    };
    assert_eq!(planted("national", Code::QualitativeBand, plant).len(), 1);
    assert!(planted("shanghai", Code::QualitativeBand, plant).is_empty());
}

#[test]
fn qualitative_grade_unknown() {
    check(
        "national",
        Code::QualitativeGradeUnknown,
        "培训完成时间",
        Severity::Warning,
        |form| {
            form.indicators[2].actual = "按时完成".into();
        },
    );
}

#[test]
fn note_missing() {
    let seen = check(
        "national",
        Code::NoteMissing,
        "培训管理办法修订",
        Severity::Error,
        |form| {
            form.indicators[5].note = "".into();
        },
    );
    assert_eq!(
        seen.message,
        "完成情况为“部分达成指标并具有一定效果”，但未填写偏差原因分析及改进措施"
    );
}

#[test]
fn note_missing_for_an_over_achievement_is_a_warning() {
    check(
        "national",
        Code::NoteMissing,
        "培训人次",
        Severity::Warning,
        |form| {
            form.indicators[0].actual = "150.00(人次)".into();
        },
    );
}

#[test]
fn overachieved() {
    let seen = check(
        "national",
        Code::Overachieved,
        "培训人次",
        Severity::Warning,
        |form| {
            form.indicators[0].actual = "120.00(人次)".into();
            form.indicators[0].note = "需求增加".into();
        },
    );
    assert!(seen.message.contains("20.00%"), "{}", seen.message);
    // Just below the threshold: silent.
    assert!(
        planted("national", Code::Overachieved, |form| form.indicators[0]
            .actual =
            "119.99(人次)".into())
        .is_empty()
    );
}

#[test]
fn loose_reverse_target() {
    check(
        "national",
        Code::LooseReverseTarget,
        "人均培训成本",
        Severity::Info,
        |form| {
            form.indicators[3].actual = "300.00(元)".into();
        },
    );
}

#[test]
fn unit_mismatch() {
    check(
        "national",
        Code::UnitMismatch,
        "培训合格率",
        Severity::Warning,
        |form| {
            form.indicators[1].actual = "98.00(分)".into();
        },
    );
    // 百分比 and % are one unit.
    assert!(
        planted("national", Code::UnitMismatch, |form| form.indicators[1]
            .actual =
            "98.00(百分比)".into())
        .is_empty()
    );
}

#[test]
fn target_empty() {
    check(
        "national",
        Code::TargetEmpty,
        "培训完成时间",
        Severity::Error,
        |form| {
            form.indicators[2].target = "".into();
        },
    );
}

#[test]
fn zero_target() {
    check(
        "national",
        Code::ZeroTarget,
        "培训人次",
        Severity::Warning,
        |form| {
            form.indicators[0].target = "≥0(人次)".into();
        },
    );
    // `=0` is a real target.
    assert!(
        planted("national", Code::ZeroTarget, |form| {
            form.indicators[3].target = "=0(起)".into();
            form.indicators[3].actual = "0(起)".into();
        })
        .is_empty()
    );
}

#[test]
fn count_upper_bound() {
    check(
        "national",
        Code::CountUpperBound,
        "培训人次",
        Severity::Warning,
        |form| {
            form.indicators[0].target = "≤120(人次)".into();
        },
    );
}

#[test]
fn satisfaction_form() {
    check(
        "national",
        Code::SatisfactionForm,
        "参训人员满意度",
        Severity::Warning,
        |form| {
            form.indicators[6].target = "=90(%)".into();
        },
    );
    check(
        "national",
        Code::SatisfactionForm,
        "参训人员满意度",
        Severity::Warning,
        |form| {
            form.indicators[6].target = "提升".into();
            form.indicators[6].actual = "达成指标".into();
        },
    );
}

#[test]
fn satisfaction_low() {
    check(
        "national",
        Code::SatisfactionLow,
        "参训人员满意度",
        Severity::Info,
        |form| {
            form.indicators[6].target = "≥70(%)".into();
            form.indicators[6].note = "首次测评".into();
        },
    );
}

#[test]
fn vague_target() {
    check(
        "national",
        Code::VagueTarget,
        "培训完成时间",
        Severity::Info,
        |form| {
            form.indicators[2].target = "及时".into();
        },
    );
}

#[test]
fn level1_weights() {
    let found = planted("national", Code::Level1Weights, |form| {
        form.indicators[3].weight = Some(d("4.00"));
        form.indicators[3].score = Some(d("4.00"));
        form.indicators[4].weight = Some(d("21.00"));
        form.indicators[4].score = Some(d("21.00"));
    });
    let places: Vec<&str> = found.iter().map(|f| f.place.as_str()).collect();
    assert_eq!(places, ["indicators.产出指标", "indicators.效益指标"]);
    // Shanghai sets no fixed split.
    assert!(
        planted("shanghai", Code::Level1Weights, |form| form.indicators[3]
            .weight =
            Some(d("4.00")))
        .is_empty()
    );
}

#[test]
fn level1_missing() {
    check(
        "national",
        Code::Level1Missing,
        "indicators",
        Severity::Warning,
        |form| {
            form.indicators.pop();
        },
    );
}

#[test]
fn level_pair() {
    let seen = check(
        "national",
        Code::LevelPair,
        "参训人员满意度",
        Severity::Warning,
        |form| {
            form.indicators[6].level1 = "效益指标".into();
        },
    );
    assert!(
        seen.message.contains("服务对象满意度指标"),
        "{}",
        seen.message
    );
}

#[test]
fn level_pair_is_reported_once_per_pair_at_its_first_row() {
    let found = planted("national", Code::LevelPair, |form| {
        // The same wrong pair in two groups that are not next to each other.
        form.indicators[1].level2 = "社会效益指标".into();
        form.indicators[3].level2 = "社会效益指标".into();
    });
    let places: Vec<&str> = found.iter().map(|seen| seen.place.as_str()).collect();
    assert_eq!(places, ["培训合格率"], "{found:#?}");
}

#[test]
fn execution_as_indicator() {
    check(
        "national",
        Code::ExecutionAsIndicator,
        "预算执行率",
        Severity::Warning,
        |form| {
            form.indicators[1].name = "预算执行率".into();
        },
    );
}

#[test]
fn duplicate_indicator() {
    check(
        "national",
        Code::DuplicateIndicator,
        "培训人次",
        Severity::Warning,
        |form| {
            form.indicators[1].name = "培训人次".into();
        },
    );
}

#[test]
fn duplicate_indicator_among_names_that_share_their_first_and_last_bytes() {
    // The audit tells names apart by a fingerprint of their length and first and last eight
    // bytes first: names that differ only in between must still be told apart.
    let found = planted("national", Code::DuplicateIndicator, |form| {
        form.indicators[0].name = "培训课程A讲座人次".into();
        form.indicators[1].name = "培训课程B讲座人次".into();
        form.indicators[2].name = "培训课程B讲座人次".into();
    });
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].message,
        "三级指标“培训课程B讲座人次”重复出现（第2项与第3项）"
    );
}

#[test]
fn note_contradicts() {
    let seen = check(
        "national",
        Code::NoteContradicts,
        "培训人次",
        Severity::Info,
        |form| {
            form.indicators[0].note = "实际培训 120 人次".into();
        },
    );
    assert_eq!(
        seen.message,
        "偏差说明写明实际为120，与实际完成值110.00(人次)不符"
    );
}

#[test]
fn value_missing() {
    let seen = check(
        "national",
        Code::ValueMissing,
        "培训人次",
        Severity::Error,
        |form| {
            form.indicators[0].score = None;
        },
    );
    assert_eq!(seen.message, "得分缺失；按总分推算应为20.00");
    // The total is not also reported as wrong: the missing score explains it.
    assert!(
        planted("national", Code::TotalSum, |form| form.indicators[0]
            .score = None)
        .is_empty()
    );
}

#[test]
fn a_profile_can_change_a_severity() {
    let mut profile = crate::util::profile("national");
    profile
        .severity
        .insert("qualitative-band".into(), Severity::Warning);
    let mut form = clean();
    form.indicators[5].score = Some(d("9.00"));
    form.total.score = Some(d("98.50"));
    let result = jixiao_core::audit::audit(&form, &profile);
    let band = result
        .findings
        .iter()
        .find(|f| f.code == Code::QualitativeBand)
        .unwrap();
    assert_eq!(band.severity, Severity::Warning);
}

/// The codes and severities of rules.md §6 are exactly those the audit knows, and each has a
/// planted case above.
#[test]
fn every_code_of_the_rules_is_implemented_and_planted() {
    let rules = include_str!("../../../docs/spec/rules.md");
    let table: Vec<(&str, &str)> = rules
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let (code, severity) = (*cells.get(1)?, *cells.get(2)?);
            let is_code = !code.is_empty()
                && code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit());
            (is_code && ["error", "warning", "info"].contains(&severity))
                .then_some((code, severity))
        })
        .collect();
    assert_eq!(table.len(), 29, "rules.md lists 29 codes");
    for (code, severity) in &table {
        let known = Code::ALL.iter().find(|c| c.as_str() == *code);
        let known = known.unwrap_or_else(|| panic!("rules.md code {code} is not implemented"));
        assert_eq!(known.default_severity().to_string(), *severity, "{code}");
    }
    let source = include_str!("findings.rs");
    for code in Code::ALL {
        let planted = format!("Code::{code:?},");
        assert!(source.contains(&planted), "no planted case for {code}");
    }
}
