//! The 15 published Shanghai forms of 2024 (examples/): transcription sanity, rule totals and
//! grades, execution rates under both roundings, and the exact findings under `shanghai`.

use std::fmt::Write;

use expect_test::expect_file;
use jixiao_core::audit;
use jixiao_core::report::place_name;
use jixiao_core::rounding::{self, RateRounding, two_places};
use rust_decimal::Decimal;

use crate::util::{audit as audit_with, d, profile, seed, seed_form};

#[test]
fn the_transcription_adds_up() {
    let forms = seed();
    assert_eq!(forms.len(), 15);
    for form in &forms {
        let weights: Decimal = form.indicators.iter().filter_map(|i| i.weight).sum();
        assert_eq!(
            form.execution.weight.unwrap() + weights,
            d("100.00"),
            "{}",
            form.project
        );
        let scores: Decimal = form.indicators.iter().filter_map(|i| i.score).sum();
        let printed = form.execution.score.unwrap() + scores;
        // 城管执法监督考核辅助工作 lost one 得分 (1.00) in the published extraction.
        let lost = if form.project == "城管执法监督考核辅助工作" {
            d("1.00")
        } else {
            d("0")
        };
        assert_eq!(
            printed + lost,
            form.total.score.unwrap(),
            "{}",
            form.project
        );
    }
}

#[test]
fn puxuan_is_good_not_excellent_under_the_rules() {
    let form = seed_form("城管执法普法宣传");
    let result = audit_with(&form, "shanghai");
    assert_eq!(result.scorecard.total, d("86.88"));
    assert_eq!(result.scorecard.grade.label(), "良");
    let above: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.code.as_str() == "score-above-rule")
        .collect();
    assert_eq!(above.len(), 1);
    assert_eq!(place_name(&form, &above[0].place), "制作、发放宣传资料数量");
    assert_eq!(above[0].reported.as_deref(), Some("15.00"));
    assert_eq!(above[0].expected.as_deref(), Some("6.88"));
    assert!(
        above[0].message().contains("6017/17500×20"),
        "{}",
        above[0].message()
    );
}

#[test]
fn execution_rates_follow_the_profile_rounding() {
    let form = seed_form("城管执法装备建设");
    let (executed, budget) = (
        form.funds.total.executed.unwrap(),
        form.funds.total.adjusted.unwrap(),
    );
    assert_eq!(
        rounding::execution_rate(executed, budget, RateRounding::Truncate),
        Some(d("92.06"))
    );
    assert_eq!(
        rounding::execution_rate(executed, budget, RateRounding::HalfUp),
        Some(d("92.07"))
    );
    let shanghai = audit::audit(&form, &profile("shanghai"))
        .scorecard
        .execution;
    let national = audit::audit(&form, &profile("national"))
        .scorecard
        .execution;
    assert_eq!(shanghai.rate, Some(d("92.06")));
    assert_eq!(national.rate, Some(d("92.07")));
    assert_eq!(shanghai.score, Some(d("9.21")));

    let form = seed_form("城管执法队伍规范化建设");
    let card = audit::audit(&form, &profile("shanghai"))
        .scorecard
        .execution;
    assert_eq!((card.rate, card.score), (Some(d("70.47")), Some(d("7.05"))));
}

#[test]
fn every_printed_rate_and_execution_score_holds_under_shanghai() {
    for form in seed() {
        let result = audit_with(&form, "shanghai");
        let card = &result.scorecard.execution;
        assert_eq!(card.rate, form.funds.total.rate, "{}", form.project);
        assert_eq!(card.score, form.execution.score, "{}", form.project);
        assert!(
            !result
                .findings
                .iter()
                .any(|f| matches!(f.code.as_str(), "rate" | "execution-score" | "funds-sum")),
            "{}",
            form.project
        );
    }
}

#[test]
fn execution_scores_of_the_seed() {
    for (project, score) in [
        ("行政复议受理和行政诉讼应诉工作", "8.68"),
        ("城管执法装备建设", "9.21"),
        ("长三角一体化城市管理综合工作", "7.78"),
    ] {
        let card = audit_with(&seed_form(project), "shanghai")
            .scorecard
            .execution;
        assert_eq!(card.score, Some(d(score)), "{project}");
    }
}

/// The rule total, grade and every finding of every seed form under `shanghai`, reviewed by
/// hand against rules.md; `UPDATE_EXPECT=1 cargo test` rewrites the file after a deliberate change.
#[test]
fn seed_findings_under_shanghai() {
    expect_file!["data/seed-shanghai.txt"].assert_eq(&findings_listing("shanghai"));
}

/// The same under `national`: the rates are rounded half up, 部分达成 must stay below 0.8w,
/// and the level-1 weights are checked against 50/30/10.
#[test]
fn seed_findings_under_national() {
    expect_file!["data/seed-national.txt"].assert_eq(&findings_listing("national"));
}

fn findings_listing(profile_name: &str) -> String {
    let mut out = String::new();
    for form in seed() {
        let result = audit_with(&form, profile_name);
        let reported = form.total.score.map(two_places).unwrap_or_default();
        writeln!(
            out,
            "## {}: reported {} {}, rule {} {}",
            form.project,
            reported,
            form.grade,
            two_places(result.scorecard.total),
            result.scorecard.grade
        )
        .unwrap();
        for finding in &result.findings {
            writeln!(
                out,
                "{} {} @ {}: {} -> {} | {}",
                finding.severity,
                finding.code,
                place_name(&form, &finding.place),
                finding.reported.as_deref().unwrap_or("-"),
                finding.expected.as_deref().unwrap_or("-"),
                finding.message()
            )
            .unwrap();
        }
        out.push('\n');
    }
    out
}
