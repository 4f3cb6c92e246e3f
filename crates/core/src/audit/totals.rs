//! Checks of the form's arithmetic (rules.md §5): `weight-sum`, `score-range`, `total-sum`,
//! `grade`, and `value-missing` for numbers a document lost.

use rust_decimal::Decimal;

use super::Ctx;
use crate::decimal::{self, gt, is_negative, is_positive};
use crate::finding::{Code, Place};
use crate::grade::Grade;
use crate::rounding::{self, two_places};

/// Values missing or out of range, anywhere on the form.
pub(super) fn values(ctx: &mut Ctx<'_>) {
    value_missing(ctx);
    score_range(ctx);
}

/// The sums and the grade.
pub(super) fn sums(ctx: &mut Ctx<'_>) {
    weight_sum(ctx);
    total_sum(ctx);
    grade(ctx);
}

/// `value-missing`: a weight or score the form must carry is absent (a lost cell). Where the
/// printed total implies the missing score, that is the expected value.
fn value_missing(ctx: &mut Ctx<'_>) {
    let form = ctx.form;
    let missing_scores = form.indicators.iter().filter(|i| i.score.is_none()).count()
        + usize::from(form.execution.score.is_none());
    let implied = match (form.total.score, missing_scores) {
        (Some(total), 1) => Some(total.saturating_sub(printed_scores(ctx))),
        _ => None,
    };
    let missing_text = |what: &str| match implied {
        Some(value) => format!("{what}缺失；按总分推算应为{}", two_places(value)),
        None => format!("{what}缺失"),
    };
    if form.execution.weight.is_none() {
        let message = "预算执行的分数（分值）缺失".to_owned();
        ctx.push(
            Code::ValueMissing,
            Place::Field("execution.weight"),
            None,
            None,
            message,
        );
    }
    if form.execution.score.is_none() {
        let message = missing_text("预算执行得分");
        ctx.push(
            Code::ValueMissing,
            Place::Field("execution.score"),
            None,
            implied.map(two_places),
            message,
        );
    }
    for (index, indicator) in form.indicators.iter().enumerate() {
        if indicator.weight.is_none() {
            let message = "分值缺失".to_owned();
            ctx.push(
                Code::ValueMissing,
                Place::Indicator(index),
                None,
                None,
                message,
            );
        }
        if indicator.score.is_none() {
            let message = missing_text("得分");
            ctx.push(
                Code::ValueMissing,
                Place::Indicator(index),
                None,
                implied.map(two_places),
                message,
            );
        }
    }
    if form.total.weight.is_none() {
        ctx.push(
            Code::ValueMissing,
            Place::Field("total.weight"),
            None,
            None,
            "总分栏的分值缺失".to_owned(),
        );
    }
    if form.total.score.is_none() {
        let sum = two_places(printed_scores(ctx));
        let message = format!("总分缺失；各项得分之和为{sum}");
        ctx.push(
            Code::ValueMissing,
            Place::Field("total.score"),
            None,
            Some(sum),
            message,
        );
    }
}

/// Execution score + Σ printed indicator scores, missing ones counted as 0.
fn printed_scores(ctx: &Ctx<'_>) -> Decimal {
    let form = ctx.form;
    rounding::sum(
        std::iter::once(form.execution.score.unwrap_or_default())
            .chain(form.indicators.iter().filter_map(|i| i.score)),
    )
}

/// `score-range`: 0 ≤ score ≤ weight, and weight > 0.
fn score_range(ctx: &mut Ctx<'_>) {
    let form = ctx.form;
    let rows = std::iter::once((
        Place::Field("execution.score"),
        form.execution.weight,
        form.execution.score,
    ))
    .chain(
        form.indicators
            .iter()
            .enumerate()
            .map(|(index, i)| (Place::Indicator(index), i.weight, i.score)),
    );
    for (place, weight, score) in rows {
        if let Some(weight) = weight.filter(|w| !is_positive(*w)) {
            let message = format!("分值{}应大于0", two_places(weight));
            ctx.push(
                Code::ScoreRange,
                place,
                Some(two_places(weight)),
                Some(">0".into()),
                message,
            );
            continue;
        }
        let (Some(weight), Some(score)) = (weight, score) else {
            continue;
        };
        if is_negative(score) || gt(score, weight) {
            let range = format!("[0.00,{}]", two_places(weight));
            let message = format!(
                "得分{}超出0至分值{}的范围",
                two_places(score),
                two_places(weight)
            );
            ctx.push(
                Code::ScoreRange,
                place,
                Some(two_places(score)),
                Some(range),
                message,
            );
        }
    }
}

/// `weight-sum`: the weights add up to the 总分 column, and that is the profile's total weight.
fn weight_sum(ctx: &mut Ctx<'_>) {
    let form = ctx.form;
    let indicator_weights = rounding::sum(form.indicators.iter().filter_map(|i| i.weight));
    let sum = form
        .execution
        .weight
        .unwrap_or_default()
        .saturating_add(indicator_weights);
    let total_weight = ctx.profile.total_weight;
    let printed = form.total.weight.unwrap_or(total_weight);
    if !decimal::order(printed, total_weight).is_eq() {
        let message = format!(
            "总分栏的分值为{}，应为{}",
            two_places(printed),
            two_places(total_weight)
        );
        ctx.push(
            Code::WeightSum,
            Place::Field("total.weight"),
            Some(two_places(printed)),
            Some(two_places(total_weight)),
            message,
        );
    }
    if !ctx.matches(sum, total_weight) {
        let message = format!(
            "各项分值合计{}（预算执行{}+三级指标{}），应为{}",
            two_places(sum),
            two_places(form.execution.weight.unwrap_or_default()),
            two_places(indicator_weights),
            two_places(total_weight)
        );
        ctx.push(
            Code::WeightSum,
            Place::Field("total.weight"),
            Some(two_places(sum)),
            Some(two_places(total_weight)),
            message,
        );
    }
}

/// `total-sum`: the printed total equals the sum of the printed scores. Skipped when a score is
/// missing: `value-missing` says so and what the total implies.
fn total_sum(ctx: &mut Ctx<'_>) {
    let form = ctx.form;
    let Some(total) = form.total.score else {
        return;
    };
    if form.execution.score.is_none() || form.indicators.iter().any(|i| i.score.is_none()) {
        return;
    }
    let sum = printed_scores(ctx);
    if !ctx.matches(total, sum) {
        let execution = form.execution.score.unwrap_or_default();
        let message = format!(
            "总分{}不等于各项得分之和{}（预算执行{}+三级指标{}）",
            two_places(total),
            two_places(sum),
            two_places(execution),
            two_places(sum.saturating_sub(execution))
        );
        ctx.push(
            Code::TotalSum,
            Place::Field("total.score"),
            Some(two_places(total)),
            Some(two_places(sum)),
            message,
        );
    }
}

/// `grade`: the printed grade is the band of the printed total.
fn grade(ctx: &mut Ctx<'_>) {
    let form = ctx.form;
    let Some(total) = form.total.score else {
        return;
    };
    let bands = &ctx.profile.grade_bands;
    let expected = Grade::of(total, bands);
    let printed = Grade::parse(&form.grade);
    if printed == Some(expected) {
        return;
    }
    let scale = format!(
        "优≥{}，良≥{}，中≥{}",
        bands.excellent.normalize(),
        bands.good.normalize(),
        bands.pass.normalize()
    );
    let message = match printed {
        Some(_) => format!(
            "总分{}对应的等级为{}（{scale}），表中为{}",
            two_places(total),
            expected,
            form.grade
        ),
        None => format!(
            "评分等级“{}”不是优、良、中、差之一；总分{}对应{}（{scale}）",
            form.grade,
            two_places(total),
            expected
        ),
    };
    ctx.push(
        Code::Grade,
        Place::Field("grade"),
        Some(form.grade.clone()),
        Some(expected.label().into()),
        message,
    );
}
