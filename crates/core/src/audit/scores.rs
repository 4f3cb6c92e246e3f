//! Checks of each indicator's score against its rule (rules.md §4): `score-above-rule`,
//! `score-below-rule`, `qualitative-band`, `qualitative-grade-unknown`, `note-missing`,
//! `overachieved`, `loose-reverse-target`, `note-contradicts`.

use rust_decimal::Decimal;

use super::Ctx;
use crate::decimal::{self, gt, is_positive, lt};
use crate::finding::{Code, Message, Place, Severity};
use crate::model::Indicator;
use crate::quantity::{self, Attainment, Direction, Reading, Word};
use crate::rounding::{plain, push_percent, push_plain, two_places};
use crate::score::{self, Formula, IndicatorRule, Rule, below_high};

/// The score checks of row `index`.
pub(super) fn check(ctx: &mut Ctx<'_>, index: usize) {
    let indicator = &ctx.form.indicators[index];
    let rule = &ctx.scorecard.indicators[index];
    let place = Place::Indicator(index);
    match &rule.rule {
        Rule::Computed { score, formula, .. } => {
            computed(ctx, indicator, place.clone(), *score, formula)
        }
        Rule::Band {
            attainment,
            low,
            high,
            high_inclusive,
        } => {
            band(
                ctx,
                indicator,
                place.clone(),
                *attainment,
                (*low, *high, *high_inclusive),
            );
        }
        Rule::Unscored => {}
    }
    grade_unknown(ctx, indicator, rule, place.clone());
    let overachievement = overachieved(ctx, indicator, rule, place.clone());
    note_missing(ctx, indicator, rule, place.clone(), overachievement);
    loose_reverse_target(ctx, indicator, rule, place.clone());
    note_contradicts(ctx, indicator, rule, place);
}

/// `score-above-rule` / `score-below-rule` for a quantitative indicator.
fn computed(
    ctx: &mut Ctx<'_>,
    indicator: &Indicator,
    place: Place,
    rule: Decimal,
    formula: &Formula,
) {
    let Some(score) = indicator.score else { return };
    if ctx.matches(score, rule) {
        return;
    }
    let (reported, expected) = (two_places(score), two_places(rule));
    if gt(score, rule) {
        let mut message = String::with_capacity(128);
        message.push_str("得分");
        message.push_str(&reported);
        message.push_str("高于按完成比例计算的");
        message.push_str(&expected);
        message.push('（');
        formula.push_steps(&mut message);
        message.push('）');
        ctx.push(
            Code::ScoreAboveRule,
            place,
            Some(reported),
            Some(expected),
            message,
        );
        return;
    }
    let has_note = !quantity::is_blank(&indicator.note);
    let severity = if has_note {
        Severity::Info
    } else {
        Severity::Warning
    };
    ctx.push_with(
        Code::ScoreBelowRule,
        severity,
        place,
        Some(reported),
        Some(expected),
        Message::ScoreBelowRule {
            formula: formula.clone(),
            has_note,
        },
    );
}

/// `qualitative-band`: a band score outside its band.
fn band(
    ctx: &mut Ctx<'_>,
    indicator: &Indicator,
    place: Place,
    attainment: Option<Attainment>,
    (low, high, high_inclusive): (Decimal, Decimal, bool),
) {
    let Some(score) = indicator.score else { return };
    let inside = !lt(score, low) && below_high(score, high, high_inclusive);
    if inside {
        return;
    }
    let band = Rule::band_text(low, high, high_inclusive);
    let reported = two_places(score);
    match attainment {
        Some(attainment) => {
            let message = format!(
                "完成情况为“{}”，得分应在{band}之间，表中为{reported}",
                attainment.label()
            );
            ctx.push(
                Code::QualitativeBand,
                place,
                Some(reported),
                Some(band),
                message,
            );
        }
        None => {
            // A missed reverse target scored by hand: only a full score is wrong.
            let message = format!("反向指标未达到目标，得分应低于分值（{band}），表中为{reported}");
            ctx.push(
                Code::ScoreAboveRule,
                place,
                Some(reported),
                Some(band),
                message,
            );
        }
    }
}

/// `qualitative-grade-unknown`: the actual is neither a number read against a quantitative
/// target nor one of the three grades.
fn grade_unknown(ctx: &mut Ctx<'_>, indicator: &Indicator, rule: &IndicatorRule, place: Place) {
    if rule.reading != Reading::Unknown || quantity::is_blank(&indicator.actual) {
        return;
    }
    let message = format!(
        "实际完成值“{}”既不是与目标可比的数值，也不是规定的三档表述（达成指标／部分达成指标并具有一定效果／未达成指标且效果较差）",
        indicator.actual
    );
    ctx.push(
        Code::QualitativeGradeUnknown,
        place,
        Some(indicator.actual.clone()),
        None,
        message,
    );
}

/// `overachieved`: 偏离度 at or above the threshold; returns it when flagged.
fn overachieved(
    ctx: &mut Ctx<'_>,
    indicator: &Indicator,
    rule: &IndicatorRule,
    place: Place,
) -> Option<Decimal> {
    let (Rule::Computed { .. }, Reading::Quantitative { target, actual }) =
        (&rule.rule, &rule.reading)
    else {
        return None;
    };
    let threshold = ctx.profile.overachieve_threshold;
    // The threshold is above 0, so only an actual above its target can reach it; and for t > 0,
    // (a−t)/t < θ ⇔ a−t < θ·t, a multiplication instead of a division for most indicators.
    if !gt(actual.value, target.value)
        || threshold
            .checked_mul(target.value)
            .is_some_and(|bar| is_positive(target.value) && lt(actual.value - target.value, bar))
    {
        return None;
    }
    let deviation = score::deviation(target, actual.value)?;
    if lt(deviation, threshold) {
        return None;
    }
    ctx.push(
        Code::Overachieved,
        place,
        Some(indicator.actual.clone()),
        Some(indicator.target.clone()),
        Message::Overachieved {
            actual: actual.value,
            op: target.op,
            target: target.value,
            deviation,
            threshold,
        },
    );
    Some(deviation)
}

/// `note-missing`: a score below the weight, or a grade below 达成, with no explanation; a
/// warning when only an over-achievement asks for it.
fn note_missing(
    ctx: &mut Ctx<'_>,
    indicator: &Indicator,
    rule: &IndicatorRule,
    place: Place,
    overachievement: Option<Decimal>,
) {
    if !quantity::is_blank(&indicator.note) {
        return;
    }
    let below_weight =
        matches!((indicator.score, indicator.weight), (Some(s), Some(w)) if lt(s, w));
    let below_grade = match rule.reading {
        Reading::Qualitative(attainment) if attainment < Attainment::Achieved => Some(attainment),
        _ => None,
    };
    let message = if let Some(attainment) = below_grade {
        Message::NoteMissingGrade(attainment)
    } else if below_weight {
        Message::NoteMissingScore {
            score: indicator.score.unwrap_or_default(),
            weight: indicator.weight.unwrap_or_default(),
        }
    } else if let Some(deviation) = overachievement {
        // Only an over-achievement asks for a note: a warning whatever the code's severity.
        return ctx.push_with(
            Code::NoteMissing,
            Severity::Warning,
            place,
            None,
            None,
            Message::NoteMissingOverachieved { deviation },
        );
    } else {
        return;
    };
    ctx.push(Code::NoteMissing, place, None, None, message);
}

/// `loose-reverse-target`: a reverse target beaten by the threshold or more (≤20% → 0%).
fn loose_reverse_target(
    ctx: &mut Ctx<'_>,
    indicator: &Indicator,
    rule: &IndicatorRule,
    place: Place,
) {
    let Reading::Quantitative { target, actual } = &rule.reading else {
        return;
    };
    if target.op.direction() != Direction::Reverse || !is_positive(target.value) {
        return;
    }
    let margin = (target.value - actual.value) / target.value;
    if lt(margin, ctx.profile.overachieve_threshold) {
        return;
    }
    let mut message = String::with_capacity(128);
    message.push_str("反向指标目标");
    message.push_str(target.op.symbol());
    push_plain(&mut message, target.value);
    message.push_str("，实际");
    push_plain(&mut message, actual.value);
    message.push_str("，优于目标");
    push_percent(&mut message, margin);
    message.push_str("%，目标值可能设置过宽");
    ctx.push(
        Code::LooseReverseTarget,
        place,
        Some(indicator.actual.clone()),
        Some(indicator.target.clone()),
        message,
    );
}

/// `note-contradicts`: the note says `实际…<number>` and the number is not the printed actual.
fn note_contradicts(ctx: &mut Ctx<'_>, indicator: &Indicator, rule: &IndicatorRule, place: Place) {
    let Reading::Quantitative { actual, .. } = &rule.reading else {
        return;
    };
    let Some(stated) = stated_actual(&indicator.note) else {
        return;
    };
    if decimal::order(stated, actual.value).is_eq() {
        return;
    }
    ctx.push(
        Code::NoteContradicts,
        place,
        Some(indicator.actual.clone()),
        Some(plain(stated)),
        Message::NoteContradicts,
    );
}

/// The first number a note states after `实际`, within a short clause: `实际合格113名` → 113,
/// `视频课件制作时长实际为11.4小时` → 11.4. A clause boundary (`。；;，,`) ends the search.
fn stated_actual(note: &str) -> Option<Decimal> {
    // Only what follows the first `实` can hold the number; folding leaves `实` in place, so
    // the rest of a long note need not be folded.
    const SHI: Word = Word::new("实");
    const SHIJI: Word = Word::new("实际");
    let from = SHI.find(note)?;
    if !SHIJI.is_in(&note[from..]) {
        return None;
    }
    let folded = quantity::fold(&note[from..]);
    let mut rest: &str = &folded;
    while let Some(at) = SHIJI.find(rest) {
        rest = &rest[at + "实际".len()..];
        let clause_end = rest
            .char_indices()
            .find(|(_, c)| matches!(c, '。' | '；' | ';' | '，' | ','))
            .map_or(rest.len(), |(idx, _)| idx);
        let clause = &rest[..clause_end];
        let digits_at = clause
            .char_indices()
            .take(12)
            .find(|(_, c)| c.is_ascii_digit());
        if let Some((start, _)) = digits_at {
            let number = &clause[start..];
            let end = number
                .bytes()
                .position(|byte| !(byte.is_ascii_digit() || byte == b'.'))
                .unwrap_or(number.len());
            if let Some(value) = quantity::parse_decimal(number[..end].trim_end_matches('.')) {
                return Some(value);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_a_note_states() {
        let value = |note: &str| stated_actual(note).map(|v| v.to_string());
        assert_eq!(value("实际合格 113 名"), Some("113".into()));
        assert_eq!(
            value("视频课件制作时长实际为 11.4 小时。"),
            Some("11.4".into())
        );
        assert_eq!(value("实际视频课件购置课时数为 66."), Some("66".into()));
        assert_eq!(value("85 天为预估天数, 实际执行 63 天"), Some("63".into()));
        assert_eq!(value("实际工作百分百规范。"), None);
        assert_eq!(value("未按计划完成工作"), None);
    }
}
