//! Checks of how each indicator's target is set (rules.md §6, 财预〔2021〕101号 on quantified
//! targets): `target-empty`, `unit-mismatch`, `zero-target`, `count-upper-bound`,
//! `satisfaction-form`, `satisfaction-low`, `vague-target`.

use super::Ctx;
use crate::decimal::{is_positive, lt};
use crate::finding::{Code, Message, Place};
use crate::model::Indicator;
use crate::quantity::{self, Direction, Op, Reading, Word};
use crate::rounding::plain;

/// The target checks of row `index`.
pub(super) fn check(ctx: &mut Ctx<'_>, index: usize) {
    let indicator = &ctx.form.indicators[index];
    let place = Place::Indicator(index);
    target_empty(ctx, indicator, place.clone());
    unit_mismatch(ctx, index, place.clone());
    let target = ctx.scorecard.indicators[index].target.as_ref();
    if let Some(target) = target {
        zero_target(ctx, indicator, target, place.clone());
        count_upper_bound(ctx, indicator, target, place.clone());
    }
    if is_satisfaction(indicator) {
        satisfaction(ctx, indicator, target, place.clone());
    }
    if target.is_none() {
        vague_target(ctx, indicator, place);
    }
}

fn target_empty(ctx: &mut Ctx<'_>, indicator: &Indicator, place: Place) {
    for (text, what) in [
        (&indicator.target, "年度指标值"),
        (&indicator.actual, "实际完成值"),
    ] {
        if quantity::is_blank(text) {
            ctx.push(
                Code::TargetEmpty,
                place.clone(),
                None,
                None,
                format!("{what}为空"),
            );
        }
    }
}

fn unit_mismatch(ctx: &mut Ctx<'_>, index: usize, place: Place) {
    let Reading::Quantitative { target, actual } = &ctx.scorecard.indicators[index].reading else {
        return;
    };
    if target.unit.is_empty() || actual.unit.is_empty() || target.unit == actual.unit {
        return;
    }
    let message = format!(
        "年度指标值的单位“{}”与实际完成值的单位“{}”不一致",
        target.unit, actual.unit
    );
    ctx.push(
        Code::UnitMismatch,
        place,
        Some(actual.unit.to_string()),
        Some(target.unit.to_string()),
        message,
    );
}

/// `zero-target`: `≥0` or `>0` asks for nothing (`=0`, e.g. 安全事故数=0, is a real target).
fn zero_target(ctx: &mut Ctx<'_>, indicator: &Indicator, target: &quantity::Target, place: Place) {
    if target.value.is_zero() && target.op.direction() == Direction::Positive {
        let message = format!("目标值“{}”为0，没有实际要求", indicator.target);
        ctx.push(
            Code::ZeroTarget,
            place,
            Some(indicator.target.clone()),
            None,
            message,
        );
    }
}

/// `count-upper-bound`: a 数量指标 that only sets a ceiling.
fn count_upper_bound(
    ctx: &mut Ctx<'_>,
    indicator: &Indicator,
    target: &quantity::Target,
    place: Place,
) {
    if target.op.direction() != Direction::Reverse || indicator.level2 != "数量指标" {
        return;
    }
    let message = format!(
        "数量指标的目标“{}”只设上限，应设下限（≥）或确定值（=）",
        indicator.target
    );
    ctx.push(
        Code::CountUpperBound,
        place,
        Some(indicator.target.clone()),
        Some(format!("≥{}", plain(target.value))),
        message,
    );
}

fn is_satisfaction(indicator: &Indicator) -> bool {
    const SATISFACTION: Word = Word::new("满意度");
    SATISFACTION.is_in(&indicator.level1) || SATISFACTION.is_in(&indicator.level2)
}

/// `satisfaction-form` and `satisfaction-low`: a satisfaction target is a floor in % or 分,
/// not below the profile's minimum.
fn satisfaction(
    ctx: &mut Ctx<'_>,
    indicator: &Indicator,
    target: Option<&quantity::Target>,
    place: Place,
) {
    let well_formed = target.is_some_and(|target| {
        matches!(target.op, Op::Ge | Op::Gt) && (target.unit == "%" || target.unit == "分")
    });
    if !well_formed {
        let message = format!(
            "满意度指标应以百分比或分值设定下限（如≥90%），表中目标为“{}”",
            indicator.target
        );
        ctx.push(
            Code::SatisfactionForm,
            place.clone(),
            Some(indicator.target.clone()),
            Some("≥90(%)".into()),
            message,
        );
    }
    let Some(target) = target else { return };
    let minimum = ctx.profile.satisfaction_min;
    if lt(target.value, minimum) && is_positive(target.value) {
        let message = format!("满意度目标{}低于{}", plain(target.value), plain(minimum));
        ctx.push(
            Code::SatisfactionLow,
            place,
            Some(indicator.target.clone()),
            Some(format!("≥{}", plain(minimum))),
            message,
        );
    }
}

/// `vague-target`: a qualitative target that is a bare word with no standard.
fn vague_target(ctx: &mut Ctx<'_>, indicator: &Indicator, place: Place) {
    let folded = quantity::fold(&indicator.target);
    if folded.is_empty() || !ctx.profile.vague_words.contains(&*folded) {
        return;
    }
    ctx.push(
        Code::VagueTarget,
        place,
        Some(indicator.target.clone()),
        None,
        Message::VagueTarget,
    );
}
