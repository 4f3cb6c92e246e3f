//! Checks of the funds table and the budget-execution score (rules.md §3):
//! `funds-sum`, `zero-budget`, `overspend`, `rate`, `execution-score`.

use rust_decimal::Decimal;

use super::{Ctx, opt_text};
use crate::decimal::{self, gt};
use crate::finding::{Code, Place};
use crate::model::{FundsRow, FundsSource};
use crate::rounding::{self, RateRounding, plain, two_places};

pub(super) fn check(ctx: &mut Ctx<'_>) {
    funds_sum(ctx);
    zero_budget(ctx);
    for (source, row) in ctx.form.funds.rows() {
        overspend(ctx, source, row);
        rate(ctx, source, row);
    }
    execution_rate(ctx);
    execution_score(ctx);
}

/// A column of the funds table: JSON key, label, and how to read it from a row.
type Column = (&'static str, &'static str, fn(&FundsRow) -> Option<Decimal>);

const COLUMNS: [Column; 3] = [
    ("initial", "年初预算数", |row| row.initial),
    ("adjusted", "全年预算数", |row| row.adjusted),
    ("executed", "全年执行数", |row| row.executed),
];

/// `funds-sum`: the total row equals the sum of its sources, column by column, within the
/// tolerance once per source.
fn funds_sum(ctx: &mut Ctx<'_>) {
    let funds = &ctx.form.funds;
    for (key, label, column) in COLUMNS {
        let Some(total) = column(&funds.total) else {
            continue;
        };
        let sources = [&funds.appropriation, &funds.carryover, &funds.other];
        let parts = || sources.iter().filter_map(|row| column(row));
        let count = parts().count();
        if count == 0 {
            continue;
        }
        let sum = rounding::sum(parts());
        let slack = ctx.profile.tolerance * Decimal::from(count);
        if !decimal::within(total, sum, slack) {
            let terms: Vec<String> = parts().map(two_places).collect();
            ctx.push(
                Code::FundsSum,
                Place::Path(format!("funds.total.{key}")),
                Some(two_places(total)),
                Some(two_places(sum)),
                format!(
                    "年度资金总额的{label}为{}，各来源合计为{}（{}）",
                    two_places(total),
                    two_places(sum),
                    terms.join("+")
                ),
            );
        }
    }
}

/// `zero-budget`: no execution rate or score can be computed.
fn zero_budget(ctx: &mut Ctx<'_>) {
    if ctx
        .form
        .funds
        .total
        .adjusted
        .is_some_and(|budget| budget.is_zero())
    {
        ctx.push(
            Code::ZeroBudget,
            Place::Field("funds.total.adjusted"),
            Some("0.00".into()),
            None,
            "年度资金总额的全年预算数为0，无法计算执行率和预算执行得分".to_owned(),
        );
    }
}

/// `overspend`: 全年执行数 above 全年预算数.
fn overspend(ctx: &mut Ctx<'_>, source: FundsSource, row: &FundsRow) {
    let (Some(executed), Some(budget)) = (row.executed, row.adjusted) else {
        return;
    };
    if gt(executed, budget) {
        ctx.push(
            Code::Overspend,
            Place::Path(format!("funds.{}.executed", source.key())),
            Some(two_places(executed)),
            Some(format!("≤{}", two_places(budget))),
            format!(
                "{}的全年执行数{}超过全年预算数{}",
                source.label(),
                two_places(executed),
                two_places(budget)
            ),
        );
    }
}

/// The printed 执行率 of a row, against the rule rate; a row with no budget prints 0.00.
fn rate(ctx: &mut Ctx<'_>, source: FundsSource, row: &FundsRow) {
    let (Some(printed), Some(executed), Some(budget)) = (row.rate, row.executed, row.adjusted)
    else {
        return;
    };
    let rounding = ctx.profile.rate_rounding;
    // The scorecard has the total row's rate already.
    let rule = if source == FundsSource::Total {
        ctx.scorecard.execution.rate
    } else {
        rounding::execution_rate(executed, budget, rounding)
    };
    let rule = match rule {
        Some(rule) => rule,
        None if source == FundsSource::Total => return, // zero-budget says it.
        None => Decimal::ZERO,
    };
    if !ctx.matches(printed, rule) {
        let how = if budget.is_zero() {
            "全年预算数为0时执行率填0.00".to_owned()
        } else {
            format!(
                "{}/{}×100，{}",
                plain(executed),
                plain(budget),
                rounding_words(rounding)
            )
        };
        ctx.push(
            Code::Rate,
            Place::Path(format!("funds.{}.rate", source.key())),
            Some(two_places(printed)),
            Some(two_places(rule)),
            format!(
                "{}的执行率应为{}（{}），表中为{}",
                source.label(),
                two_places(rule),
                how,
                two_places(printed)
            ),
        );
    }
}

/// `execution.rate` is the 执行率 of the total row again; checked only where it was written
/// differently, so one wrong cell gives one finding.
fn execution_rate(ctx: &mut Ctx<'_>) {
    let printed = ctx.form.execution.rate;
    let Some(rule) = ctx.scorecard.execution.rate else {
        return;
    };
    if printed.is_none() || printed == ctx.form.funds.total.rate {
        return;
    }
    let printed = printed.unwrap_or_default();
    if !ctx.matches(printed, rule) {
        ctx.push(
            Code::Rate,
            Place::Field("execution.rate"),
            Some(two_places(printed)),
            Some(two_places(rule)),
            format!(
                "预算执行率应为{}，表中为{}",
                two_places(rule),
                two_places(printed)
            ),
        );
    }
}

/// `execution-score`: round_half_up(min(执行数/全年预算数, 1) × weight, 2).
fn execution_score(ctx: &mut Ctx<'_>) {
    let rule = &ctx.scorecard.execution;
    let (Some(expected), Some(printed)) = (rule.score, ctx.form.execution.score) else {
        return;
    };
    if !ctx.matches(printed, expected) {
        let formula = rule.formula().unwrap_or_default();
        ctx.push(
            Code::ExecutionScore,
            Place::Field("execution.score"),
            opt_text(Some(printed)),
            Some(two_places(expected)),
            format!(
                "预算执行得分应为{}（{}），表中为{}",
                two_places(expected),
                formula,
                two_places(printed)
            ),
        );
    }
}

fn rounding_words(rounding: RateRounding) -> &'static str {
    match rounding {
        RateRounding::Truncate => "保留两位小数（截断）",
        RateRounding::HalfUp => "四舍五入保留两位小数",
    }
}
