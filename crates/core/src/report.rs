//! The audit report JSON of `form-json.md`: one object per form, what it reports beside what the
//! rules give, and its findings. This is a contract: keys and meanings do not change.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit::Audit;
use crate::finding::{Code, Finding, Place, Severity};
use crate::model::Form;
use crate::profile::Profile;

/// The report of one form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormReport {
    /// 项目名称.
    pub project: String,
    /// The profile's name.
    pub profile: String,
    /// What the form prints.
    pub reported: Values,
    /// What the rules give.
    pub rule: Values,
    /// The findings, in the order of the form.
    pub findings: Vec<FindingReport>,
}

/// The three headline values of a form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Values {
    /// The budget-execution score.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub execution_score: Option<Decimal>,
    /// The total.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub total: Option<Decimal>,
    /// The grade.
    pub grade: Option<String>,
}

/// One finding as the report prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingReport {
    /// The stable code.
    pub code: Code,
    /// `error`, `warning` or `info`.
    pub severity: Severity,
    /// The indicator's name, or the field path.
    #[serde(rename = "where")]
    pub place: String,
    /// The reported value, as text.
    pub reported: Option<String>,
    /// The expected value, as text.
    pub expected: Option<String>,
    /// The message in Chinese.
    pub message: String,
}

impl FormReport {
    /// Builds the report of an audited form.
    pub fn new(form: &Form, profile: &Profile, audit: &Audit) -> FormReport {
        let card = &audit.scorecard;
        FormReport {
            project: form.project.clone(),
            profile: profile.name.clone(),
            reported: Values {
                execution_score: form.execution.score.map(two_decimals),
                total: form.total.score.map(two_decimals),
                grade: Some(form.grade.clone()),
            },
            rule: Values {
                execution_score: card.execution.score.map(two_decimals),
                total: Some(two_decimals(card.total)),
                grade: Some(card.grade.label().to_owned()),
            },
            findings: audit
                .findings
                .iter()
                .map(|finding| FindingReport::new(form, finding))
                .collect(),
        }
    }
}

impl FindingReport {
    fn new(form: &Form, finding: &Finding) -> FindingReport {
        FindingReport {
            code: finding.code,
            severity: finding.severity,
            place: place_name(form, &finding.place),
            reported: finding.reported.clone(),
            expected: finding.expected.clone(),
            message: finding.message().into_owned(),
        }
    }
}

/// The `where` of a finding: the indicator's name, or the field path.
pub fn place_name(form: &Form, place: &Place) -> String {
    match place {
        Place::Field(path) => (*path).to_owned(),
        Place::Path(path) => path.clone(),
        Place::Indicator(index) => form.indicators.get(*index).map_or_else(
            || format!("indicators[{index}]"),
            |indicator| indicator.name.clone(),
        ),
    }
}

/// Scores print with two decimals: `86.88`, `10.00`.
fn two_decimals(value: Decimal) -> Decimal {
    let mut value = crate::rounding::score_half_up(value);
    value.rescale(2);
    value
}
