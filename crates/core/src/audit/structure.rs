//! Checks of the indicator tree as a whole (财预〔2020〕10号 framework): `level1-weights`,
//! `level1-missing`, `level-pair`, `execution-as-indicator`, `duplicate-indicator`.

use rustc_hash::FxHashMap;

use super::Ctx;
use crate::decimal;
use crate::finding::{Code, Message, Place};
use crate::quantity::{Word, same_text};
use crate::rounding::{self, two_places};

/// The three level-1 groups every form must have.
const REQUIRED_LEVEL1: [&str; 3] = ["产出指标", "效益指标", "满意度指标"];

pub(super) fn check(ctx: &mut Ctx<'_>) {
    level1_weights(ctx);
    level1_missing(ctx);
    level_pair(ctx);
    execution_as_indicator(ctx);
    duplicate_indicator(ctx);
}

fn level1_weights(ctx: &mut Ctx<'_>) {
    let profile = ctx.profile;
    for (level1, default) in &profile.level1_weights {
        // A few groups against a few dozen rows: a scan per group beats a map of sums.
        let sum = rounding::sum(
            ctx.form
                .indicators
                .iter()
                .filter(|indicator| same_text(&indicator.level1, level1))
                .map(|indicator| indicator.weight.unwrap_or_default()),
        );
        if !decimal::order(sum, *default).is_eq() {
            ctx.push(
                Code::Level1Weights,
                Place::Path(["indicators.", level1].concat()),
                Some(two_places(sum)),
                Some(two_places(*default)),
                Message::Level1Weights,
            );
        }
    }
}

fn level1_missing(ctx: &mut Ctx<'_>) {
    for level1 in REQUIRED_LEVEL1 {
        let indicators = &ctx.form.indicators;
        if !indicators
            .iter()
            .any(|indicator| same_text(&indicator.level1, level1))
        {
            ctx.push(
                Code::Level1Missing,
                Place::Field("indicators"),
                None,
                Some(level1.into()),
                format!("缺少{level1}"),
            );
        }
    }
}

/// `level-pair`: each level-2 belongs to its level-1 (reported once per group, at its first row).
fn level_pair(ctx: &mut Ctx<'_>) {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (index, indicator) in ctx.form.indicators.iter().enumerate() {
        let pair = (indicator.level1.as_str(), indicator.level2.as_str());
        let same_pair =
            |other: &(&str, &str)| same_text(other.0, pair.0) && same_text(other.1, pair.1);
        // Groups are contiguous: most rows repeat the pair of the row above.
        if seen.last().is_some_and(same_pair) || seen.iter().any(same_pair) {
            continue;
        }
        seen.push(pair);
        let allowed = ctx
            .profile
            .levels
            .iter()
            .find(|(level1, _)| same_text(level1, pair.0));
        let message = match allowed {
            None => format!("一级指标“{}”不是规定的一级指标", indicator.level1),
            Some((_, allowed)) if !allowed.iter().any(|level2| same_text(level2, pair.1)) => {
                format!(
                    "二级指标“{}”不属于一级指标“{}”（应为{}）",
                    indicator.level2,
                    indicator.level1,
                    allowed.join("、")
                )
            }
            Some(_) => continue,
        };
        let reported = format!("{}/{}", indicator.level1, indicator.level2);
        ctx.push(
            Code::LevelPair,
            Place::Indicator(index),
            Some(reported),
            None,
            message,
        );
    }
}

fn execution_as_indicator(ctx: &mut Ctx<'_>) {
    for (index, indicator) in ctx.form.indicators.iter().enumerate() {
        // Both spellings contain 执行率, which most names do not.
        const RATE: Word = Word::new("执行率");
        const BUDGET_RATE: Word = Word::new("预算执行率");
        let name = &indicator.name;
        if RATE.is_in(name) && (BUDGET_RATE.is_in(name) || name.trim() == "执行率") {
            let message = "预算执行率已在项目资金部分评分，不应再设为三级指标".to_owned();
            ctx.push(
                Code::ExecutionAsIndicator,
                Place::Indicator(index),
                Some(indicator.name.clone()),
                None,
                message,
            );
        }
    }
}

fn duplicate_indicator(ctx: &mut Ctx<'_>) {
    let mut first_seen: FxHashMap<&str, usize> = FxHashMap::default();
    first_seen.reserve(ctx.form.indicators.len());
    for (index, indicator) in ctx.form.indicators.iter().enumerate() {
        let first = *first_seen.entry(indicator.name.as_str()).or_insert(index);
        if first == index {
            continue;
        }
        let name = &indicator.name;
        let message = format!(
            "三级指标“{name}”重复出现（第{}项与第{}项）",
            first + 1,
            index + 1
        );
        ctx.push(
            Code::DuplicateIndicator,
            Place::Indicator(index),
            Some(name.clone()),
            None,
            message,
        );
    }
}
