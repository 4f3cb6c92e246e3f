//! The rules engine: the rule value beside every reported value (rules.md §3–§5).
//!
//! The engine never rewrites what a form reports. `score` computes what the rules give for the
//! budget execution, each indicator, the total and the grade; the audit compares the two.

use std::fmt;

use rust_decimal::Decimal;

use crate::decimal::{self, gt, is_positive, lt};
use crate::grade::Grade;
use crate::model::{Form, Indicator};
use crate::profile::{Profile, ReverseFormula};
use crate::quantity::{self, Amount, Attainment, Direction, Op, Reading, Target};
use crate::rounding::{self, push_plain, push_two_places, score_half_up};

/// The rule values of one form.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    /// Budget execution.
    pub execution: ExecutionRule,
    /// One rule per indicator, in the form's order.
    pub indicators: Vec<IndicatorRule>,
    /// Rule execution score + Σ the indicators' counted scores.
    pub total: Decimal,
    /// The grade of the rule total.
    pub grade: Grade,
}

/// The rule value of budget execution (rules.md §3).
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionRule {
    /// 执行率 of the total row, rounded per the profile; `None` when the budget is 0 or missing.
    pub rate: Option<Decimal>,
    /// The execution score; `None` when it cannot be computed.
    pub score: Option<Decimal>,
    /// What the score was computed from, when it was.
    pub inputs: Option<ExecutionInputs>,
}

/// The numbers the execution score is computed from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExecutionInputs {
    /// 全年执行数 of the total row.
    pub executed: Decimal,
    /// 全年预算数 of the total row.
    pub budget: Decimal,
    /// The execution weight.
    pub weight: Decimal,
}

impl ExecutionRule {
    /// How the score was computed, e.g. `11.84/12.86×10=9.21`. Written when a finding shows it,
    /// not on every form.
    pub fn formula(&self) -> Option<String> {
        let (Some(inputs), Some(score)) = (self.inputs, self.score) else {
            return None;
        };
        let ExecutionInputs {
            executed,
            budget,
            weight,
        } = inputs;
        let mut formula = String::with_capacity(48);
        if gt(executed, budget) {
            formula.push_str("执行率超过100%按100%计，得满分");
            push_plain(&mut formula, weight);
        } else {
            push_plain(&mut formula, executed);
            formula.push('/');
            push_plain(&mut formula, budget);
            formula.push('×');
            push_plain(&mut formula, weight);
            formula.push('=');
            push_two_places(&mut formula, score);
        }
        Some(formula)
    }
}

/// How one indicator is scored under the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRule {
    /// The target read on its own (a quantity or not), whatever the actual says.
    pub target: Option<Target>,
    /// What its target and actual say.
    pub reading: Reading,
    /// The rule.
    pub rule: Rule,
    /// What the indicator adds to the rule total.
    pub counted: Decimal,
}

/// The rule for one indicator.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// Quantitative: one exact score.
    Computed {
        /// The rule score, rounded half up to two decimals.
        score: Decimal,
        /// How it was computed, e.g. `6017/17500×20=6.88`, or why it is full.
        formula: Formula,
        /// Whether the target was reached.
        met: bool,
    },
    /// A band the score must lie in: a qualitative grade, or a missed reverse target scored by hand.
    Band {
        /// The qualitative grade, if that is where the band comes from.
        attainment: Option<Attainment>,
        /// Lowest allowed score.
        low: Decimal,
        /// Highest allowed score.
        high: Decimal,
        /// Whether `high` itself is allowed.
        high_inclusive: bool,
    },
    /// No rule applies: the weight is missing, or the actual is neither a number nor a grade.
    Unscored,
}

impl Rule {
    /// The band as text: `[8.00,10.00]`, `[6.00,8.00)`.
    pub fn band_text(low: Decimal, high: Decimal, high_inclusive: bool) -> String {
        let mut text = String::with_capacity(16);
        text.push('[');
        push_two_places(&mut text, low);
        text.push(',');
        push_two_places(&mut text, high);
        text.push(if high_inclusive { ']' } else { ')' });
        text
    }
}

/// Scores a form under a profile.
pub fn score(form: &Form, profile: &Profile) -> Scorecard {
    let execution = execution(form, profile);
    let indicators: Vec<IndicatorRule> = form
        .indicators
        .iter()
        .map(|form_indicator| indicator(form_indicator, profile))
        .collect();
    let total = rounding::sum(
        std::iter::once(execution.score.unwrap_or_default())
            .chain(indicators.iter().map(|rule| rule.counted)),
    );
    Scorecard {
        execution,
        grade: Grade::of(total, &profile.grade_bands),
        indicators,
        total,
    }
}

/// Budget execution (rules.md §3): 执行率 from the adjusted budget, and
/// score = round_half_up(min(执行数/全年预算数, 1) × weight, 2).
fn execution(form: &Form, profile: &Profile) -> ExecutionRule {
    let row = &form.funds.total;
    let (Some(executed), Some(budget)) = (row.executed, row.adjusted) else {
        return ExecutionRule {
            rate: None,
            score: None,
            inputs: None,
        };
    };
    let rate = rounding::execution_rate(executed, budget, profile.rate_rounding);
    let (Some(weight), false) = (
        form.execution.weight.filter(|w| is_positive(*w)),
        budget.is_zero(),
    ) else {
        return ExecutionRule {
            rate,
            score: None,
            inputs: None,
        };
    };
    // The ratio, clamped into [0, 1]: nothing when the two differ in sign, the full weight when
    // the execution reaches the budget, and a division only in between.
    let positive = !executed.is_zero() && executed.is_sign_negative() == budget.is_sign_negative();
    let score = if !positive {
        Decimal::ZERO
    } else if !lt(executed.abs(), budget.abs()) {
        score_half_up(weight)
    } else {
        match rounding::score_of_ratio(executed, budget, weight) {
            Some(score) => score,
            None => {
                return ExecutionRule {
                    rate,
                    score: None,
                    inputs: None,
                };
            }
        }
    };
    ExecutionRule {
        rate,
        score: Some(score),
        inputs: Some(ExecutionInputs {
            executed,
            budget,
            weight,
        }),
    }
}

/// The rule of one indicator.
pub fn indicator(indicator: &Indicator, profile: &Profile) -> IndicatorRule {
    let target = quantity::parse_target(&indicator.target);
    let reading = quantity::read_against(target.clone(), &indicator.actual);
    let Some(weight) = indicator.weight.filter(|w| is_positive(*w)) else {
        return IndicatorRule {
            target,
            reading,
            rule: Rule::Unscored,
            counted: Decimal::ZERO,
        };
    };
    let rule = match &reading {
        Reading::Quantitative { target, actual } => quantitative(target, actual, weight, profile),
        Reading::Qualitative(attainment) => qualitative(*attainment, weight, profile),
        Reading::Unknown => Rule::Unscored,
    };
    let counted = counted(&rule, indicator.score, weight);
    IndicatorRule {
        target,
        reading,
        rule,
        counted,
    }
}

/// What an indicator adds to the rule total: the rule score; a reported score clamped into its
/// band; the band's floor when the score is missing; the reported score clamped into [0, w] when
/// no rule applies.
fn counted(rule: &Rule, reported: Option<Decimal>, weight: Decimal) -> Decimal {
    match rule {
        Rule::Computed { score, .. } => *score,
        Rule::Band {
            low,
            high,
            high_inclusive,
            ..
        } => match reported {
            None => *low,
            Some(score) if lt(score, *low) => *low,
            Some(score) if !below_high(score, *high, *high_inclusive) => {
                if *high_inclusive {
                    *high
                } else {
                    (*high - Decimal::new(1, 2)).max(*low)
                }
            }
            Some(score) => score,
        },
        Rule::Unscored => reported.unwrap_or_default().clamp(Decimal::ZERO, weight),
    }
}

/// Whether a score is below the top of its band, or at it when the band includes its top.
pub(crate) fn below_high(score: Decimal, high: Decimal, high_inclusive: bool) -> bool {
    match decimal::order(score, high) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Equal => high_inclusive,
        std::cmp::Ordering::Greater => false,
    }
}

/// Quantitative scoring (rules.md §4).
fn quantitative(target: &Target, actual: &Amount, weight: Decimal, profile: &Profile) -> Rule {
    let (op, t, a, w) = (
        target.op,
        target.value,
        // `max(0)`, which gives `Decimal::ZERO` itself for any zero.
        if is_positive(actual.value) {
            actual.value
        } else {
            Decimal::ZERO
        },
        weight,
    );
    let computed = |score: Decimal, formula: Formula, met: bool| Rule::Computed {
        score,
        formula,
        met,
    };
    let full = || {
        computed(
            score_half_up(w),
            Formula::Met {
                actual: a,
                op,
                target: t,
                weight: w,
            },
            true,
        )
    };
    let strict = profile.strict_inequality;
    match op.direction() {
        Direction::Positive | Direction::Exact => {
            if t.is_zero() && op == Op::Eq && gt(a, t) {
                // `=0` is a real target (安全事故数=0): missing it scores nothing.
                return computed(Decimal::ZERO, Formula::ZeroMissed { op, actual: a }, false);
            }
            let met = if strict && op == Op::Gt {
                gt(a, t)
            } else {
                !lt(a, t)
            };
            if met || t.is_zero() {
                return full();
            }
            // a < t here, so a/t < 1 and the product cannot overflow.
            let score = score_half_up(w * (a / t));
            computed(
                score,
                Formula::Ratio {
                    numerator: a,
                    denominator: t,
                    weight: w,
                    score,
                },
                false,
            )
        }
        Direction::Reverse => {
            let met = if strict && op == Op::Lt {
                lt(a, t)
            } else {
                !gt(a, t)
            };
            if met {
                return full();
            }
            if !is_positive(t) {
                return computed(Decimal::ZERO, Formula::ZeroMissed { op, actual: a }, false);
            }
            match profile.reverse_formula {
                ReverseFormula::Ratio => {
                    // t < a here, so t/a < 1.
                    let score = score_half_up(w * (t / a));
                    computed(
                        score,
                        Formula::Ratio {
                            numerator: t,
                            denominator: a,
                            weight: w,
                            score,
                        },
                        false,
                    )
                }
                ReverseFormula::Linear2x => {
                    let over = (a - t).checked_div(t).unwrap_or(Decimal::TWO);
                    let share = (Decimal::ONE - over.min(Decimal::ONE)).max(Decimal::ZERO);
                    let score = score_half_up(w * share);
                    computed(
                        score,
                        Formula::Linear {
                            actual: a,
                            target: t,
                            weight: w,
                            score,
                        },
                        false,
                    )
                }
                ReverseFormula::Manual => Rule::Band {
                    attainment: None,
                    low: Decimal::ZERO,
                    high: w,
                    high_inclusive: false,
                },
            }
        }
    }
}

/// How a quantitative rule score was computed; written out only when a finding shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Formula {
    /// The target was reached: the full weight.
    Met {
        /// The actual.
        actual: Decimal,
        /// The target's operator.
        op: Op,
        /// The target.
        target: Decimal,
        /// The weight.
        weight: Decimal,
    },
    /// weight × numerator / denominator: a/t for positive targets, t/a for reverse ones.
    Ratio {
        /// a or t.
        numerator: Decimal,
        /// t or a.
        denominator: Decimal,
        /// The weight.
        weight: Decimal,
        /// The result.
        score: Decimal,
    },
    /// weight × (1 − (a−t)/t), the `linear_2x` reverse formula.
    Linear {
        /// The actual.
        actual: Decimal,
        /// The target.
        target: Decimal,
        /// The weight.
        weight: Decimal,
        /// The result.
        score: Decimal,
    },
    /// A target of 0 (`=0`, `≤0`) missed: nothing.
    ZeroMissed {
        /// The target's operator.
        op: Op,
        /// The actual.
        actual: Decimal,
    },
}

impl Formula {
    /// The computation without its result, as a finding's message puts it in brackets:
    /// `6017/17500×20`.
    pub fn steps(&self) -> String {
        let mut text = String::with_capacity(48);
        self.push_steps(&mut text);
        text
    }

    /// Appends `steps()`, for a message that shows it.
    pub(crate) fn push_steps(&self, out: &mut String) {
        match *self {
            Formula::Met {
                actual,
                op,
                target,
                weight,
            } => {
                out.push_str("实际");
                push_plain(out, actual);
                out.push_str("达到目标");
                out.push_str(op.symbol());
                push_plain(out, target);
                out.push_str("，应得满分");
                push_plain(out, weight);
            }
            Formula::Ratio {
                numerator,
                denominator,
                weight,
                ..
            } => {
                push_plain(out, numerator);
                out.push('/');
                push_plain(out, denominator);
                out.push('×');
                push_plain(out, weight);
            }
            Formula::Linear {
                actual,
                target,
                weight,
                ..
            } => {
                push_plain(out, weight);
                out.push_str("×(1−(");
                push_plain(out, actual);
                out.push('−');
                push_plain(out, target);
                out.push_str(")/");
                push_plain(out, target);
                out.push(')');
            }
            Formula::ZeroMissed { op, actual } => {
                out.push_str("目标为");
                out.push_str(op.symbol());
                out.push_str("0，实际");
                push_plain(out, actual);
                out.push_str("，不得分");
            }
        }
    }
}

impl fmt::Display for Formula {
    /// The computation with its result: `6017/17500×20=6.88`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Formula::Ratio { score, .. } | Formula::Linear { score, .. } => {
                write!(f, "{}={}", self.steps(), rounding::two_places(*score))
            }
            _ => f.write_str(&self.steps()),
        }
    }
}

/// 偏离度 (a−t)/t of a positive or exact target above 0, the actual counted from 0.
pub fn deviation(target: &Target, actual: Decimal) -> Option<Decimal> {
    if target.op.direction() == Direction::Reverse || !is_positive(target.value) {
        return None;
    }
    actual
        .max(Decimal::ZERO)
        .saturating_sub(target.value)
        .checked_div(target.value)
}

/// Qualitative bands (rules.md §4, 财预〔2020〕10号): 达成 [0.8w, w]; 部分达成 [0.6w, 0.8w);
/// 未达成 [0, 0.6w). `partial_upper_inclusive` lets 部分达成 reach 0.8w.
fn qualitative(attainment: Attainment, weight: Decimal, profile: &Profile) -> Rule {
    let share = |tenths: i64| weight * Decimal::new(tenths, 1);
    let (low, high, high_inclusive) = match attainment {
        Attainment::Achieved => (share(8), weight, true),
        Attainment::Partial => (share(6), share(8), profile.partial_upper_inclusive),
        Attainment::NotAchieved => (Decimal::ZERO, share(6), false),
    };
    Rule::Band {
        attainment: Some(attainment),
        low,
        high,
        high_inclusive,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn rule(target: &str, actual: &str, weight: &str, profile: &str) -> Rule {
        let profile = Profile::builtin(profile).unwrap();
        let Reading::Quantitative { target, actual } = quantity::read(target, actual) else {
            panic!("not quantitative: {target} {actual}");
        };
        quantitative(&target, &actual, d(weight), &profile)
    }

    fn score_of(rule: &Rule) -> Decimal {
        match rule {
            Rule::Computed { score, .. } => *score,
            other => panic!("not computed: {other:?}"),
        }
    }

    #[test]
    fn unmet_positive_targets_score_in_proportion() {
        let rule = rule("≥17500(份)", "6017.00(份)", "20", "shanghai");
        assert_eq!(score_of(&rule), d("6.88"));
        let Rule::Computed { formula, .. } = rule else {
            unreachable!()
        };
        assert_eq!(formula.to_string(), "6017/17500×20=6.88");
    }

    #[test]
    fn reverse_formulas() {
        assert_eq!(
            score_of(&rule("≤20(%)", "25(%)", "10", "national")),
            d("8.00")
        );
        assert_eq!(score_of(&rule("≤20(%)", "0(%)", "10", "national")), d("10"));
        assert_eq!(score_of(&rule("≤0(起)", "1(起)", "5", "national")), d("0"));
        assert_eq!(score_of(&rule("=0(起)", "0(起)", "5", "national")), d("5"));
        assert_eq!(score_of(&rule("=0(起)", "2(起)", "5", "national")), d("0"));
        let mut profile = Profile::builtin("national").unwrap();
        profile.reverse_formula = ReverseFormula::Linear2x;
        let linear = |actual: &str| {
            let Reading::Quantitative { target, actual } = quantity::read("≤20(%)", actual)
            else {
                unreachable!()
            };
            score_of(&quantitative(&target, &actual, d("10"), &profile))
        };
        assert_eq!(linear("25"), d("7.50"));
        assert_eq!(linear("45"), d("0"));
    }

    #[test]
    fn qualitative_bands() {
        let shanghai = Profile::builtin("shanghai").unwrap();
        let national = Profile::builtin("national").unwrap();
        let band = |attainment, profile: &Profile| match qualitative(attainment, d("10"), profile) {
            Rule::Band {
                low,
                high,
                high_inclusive,
                ..
            } => Rule::band_text(low, high, high_inclusive),
            other => panic!("{other:?}"),
        };
        assert_eq!(band(Attainment::Achieved, &national), "[8.00,10.00]");
        assert_eq!(band(Attainment::Partial, &national), "[6.00,8.00)");
        assert_eq!(band(Attainment::Partial, &shanghai), "[6.00,8.00]");
        assert_eq!(band(Attainment::NotAchieved, &national), "[0.00,6.00)");
    }
}
