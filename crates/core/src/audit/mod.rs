//! The audit: every departure of a form from the rules, as findings (rules.md §6).
//!
//! Each submodule holds the checks of one part of the form and is named after it; each check
//! pushes findings with its code. The audit never fails and never panics on a well-typed form:
//! broken input is data, reported as findings.

mod funds;
mod indicators;
mod scores;
mod structure;
mod totals;

use rust_decimal::Decimal;

use crate::decimal;
use crate::finding::{Code, Finding, Message, Place};
use crate::model::Form;
use crate::profile::Profile;
use crate::rounding::two_places;
use crate::score::{self, Scorecard};

/// A form's rule values and findings.
#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    /// The rule values.
    pub scorecard: Scorecard,
    /// The findings, in the order of the form: funds, execution, indicators, totals, grade.
    pub findings: Vec<Finding>,
}

/// Audits a form under a profile.
pub fn audit(form: &Form, profile: &Profile) -> Audit {
    let scorecard = score::score(form, profile);
    let mut ctx = Ctx {
        form,
        profile,
        scorecard: &scorecard,
        // Seed forms give one finding per one or two indicators: one allocation, seldom grown.
        findings: Vec::with_capacity(form.indicators.len() + 4),
    };
    // The checks run in the order of the form, so that findings come out in it: funds and
    // execution, the level-1 groups, the rows, the totals and the grade. Only the rarer checks of
    // missing values and score ranges (in `totals`), which look at every part, push out of order.
    funds::check(&mut ctx);
    totals::values(&mut ctx);
    structure::groups(&mut ctx);
    let mut rows = structure::Rows::new(form);
    for index in 0..form.indicators.len() {
        scores::check(&mut ctx, index);
        indicators::check(&mut ctx, index);
        rows.check(&mut ctx, index);
    }
    totals::sums(&mut ctx);
    let mut findings = ctx.findings;
    // A stable sort puts those few in place and keeps the order of a row's findings; sorted
    // findings, the common case, need no sort (whose scratch buffer would cost more).
    if !findings.is_sorted_by_key(|finding| place_order(&finding.place)) {
        findings.sort_by_key(|finding| place_order(&finding.place));
    }
    Audit {
        scorecard,
        findings,
    }
}

/// What every check sees, and where it writes.
struct Ctx<'a> {
    form: &'a Form,
    profile: &'a Profile,
    scorecard: &'a Scorecard,
    findings: Vec<Finding>,
}

impl Ctx<'_> {
    fn push(
        &mut self,
        code: Code,
        place: Place,
        reported: Option<String>,
        expected: Option<String>,
        message: impl Into<Message>,
    ) {
        let severity = self.profile.severity(code);
        self.findings.push(Finding::new(
            code,
            severity,
            place,
            reported,
            expected,
            message.into(),
        ));
    }

    /// Like `push`, with a severity the check decides (rules.md gives some codes two), unless
    /// the profile fixes the code's severity.
    fn push_with(
        &mut self,
        code: Code,
        severity: crate::finding::Severity,
        place: Place,
        reported: Option<String>,
        expected: Option<String>,
        message: impl Into<Message>,
    ) {
        let severity = if self.profile.severity.contains_key(code.as_str()) {
            self.profile.severity(code)
        } else {
            severity
        };
        self.findings.push(Finding::new(
            code,
            severity,
            place,
            reported,
            expected,
            message.into(),
        ));
    }

    /// Two values match within the profile's tolerance (rules.md §1).
    fn matches(&self, reported: Decimal, rule: Decimal) -> bool {
        decimal::within(reported, rule, self.profile.tolerance)
    }
}

/// Document order of places: funds, execution, indicators, then the totals and the grade.
fn place_order(place: &Place) -> (u8, usize) {
    let path = match place {
        Place::Indicator(index) => return (3, *index),
        Place::Field(path) => *path,
        Place::Path(path) => path.as_str(),
    };
    // The first letter tells the part: funds, execution, indicators, total, grade.
    let rank = match path.as_bytes().first() {
        Some(b'f') => 0,
        Some(b'e') => 1,
        Some(b'i') => 2,
        Some(b't') => 4,
        _ => 5,
    };
    (rank, 0)
}

fn opt_text(value: Option<Decimal>) -> Option<String> {
    value.map(two_places)
}

#[cfg(test)]
mod tests;
