//! Findings: what the audit reports, each with a stable code (rules.md §6).
//!
//! Codes are an API: tests, reports, the server and other people's scripts match on them, so a
//! code is never renamed or reused. Findings are results, not errors.

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::quantity::{Attainment, Op};
use crate::rounding::{push_percent, push_plain, push_two_places};
use crate::score::Formula;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; no action needed.
    Info,
    /// Probably wrong or badly set; a reviewer should look.
    Warning,
    /// Breaks a rule: the form is wrong as printed.
    Error,
}

impl Severity {
    /// The word a Chinese reviewer reads.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

macro_rules! codes {
    ($($variant:ident => $code:literal, $severity:ident, $title:literal;)*) => {
        /// A finding code (rules.md §6).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Code {
            $(
                #[doc = $title]
                #[serde(rename = $code)]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in the order of rules.md §6.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable code, e.g. `score-above-rule`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),* }
            }

            /// The severity rules.md gives the code; a profile may change it.
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity),* }
            }

            /// A short Chinese title, for report headings.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title),* }
            }
        }
    };
}

codes! {
    FundsSum => "funds-sum", Error, "资金总额与各来源之和不符";
    ZeroBudget => "zero-budget", Error, "全年预算数为0";
    Overspend => "overspend", Warning, "执行数超过全年预算数";
    Rate => "rate", Error, "执行率计算错误";
    ExecutionScore => "execution-score", Error, "预算执行得分计算错误";
    WeightSum => "weight-sum", Error, "分值合计不等于总分";
    ScoreRange => "score-range", Error, "得分或分值超出范围";
    TotalSum => "total-sum", Error, "总分与各项得分之和不符";
    Grade => "grade", Error, "评分等级与总分不符";
    ScoreAboveRule => "score-above-rule", Error, "得分高于按规则计算的得分";
    ScoreBelowRule => "score-below-rule", Warning, "得分低于按规则计算的得分";
    QualitativeBand => "qualitative-band", Error, "定性指标得分超出档次区间";
    QualitativeGradeUnknown => "qualitative-grade-unknown", Warning, "定性指标完成情况表述不规范";
    NoteMissing => "note-missing", Error, "缺少偏差原因分析";
    Overachieved => "overachieved", Warning, "超额完成：目标值可能设置偏低";
    LooseReverseTarget => "loose-reverse-target", Info, "反向指标目标值偏宽松";
    UnitMismatch => "unit-mismatch", Warning, "目标值与实际值单位不一致";
    TargetEmpty => "target-empty", Error, "指标值或实际完成值为空";
    ZeroTarget => "zero-target", Warning, "目标值为0，无实际要求";
    CountUpperBound => "count-upper-bound", Warning, "数量指标使用上限";
    SatisfactionForm => "satisfaction-form", Warning, "满意度指标表述不规范";
    SatisfactionLow => "satisfaction-low", Info, "满意度目标值偏低";
    VagueTarget => "vague-target", Info, "定性指标缺少衡量标准";
    Level1Weights => "level1-weights", Info, "一级指标权重与规定不同";
    Level1Missing => "level1-missing", Warning, "缺少一级指标";
    LevelPair => "level-pair", Warning, "二级指标与一级指标不对应";
    ExecutionAsIndicator => "execution-as-indicator", Warning, "预算执行率重复设为三级指标";
    DuplicateIndicator => "duplicate-indicator", Warning, "三级指标重复";
    NoteContradicts => "note-contradicts", Info, "说明所述实际值与实际完成值不符";
    ValueMissing => "value-missing", Error, "数值缺失";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Code {
    type Err = ();

    fn from_str(text: &str) -> Result<Code, ()> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == text)
            .ok_or(())
    }
}

/// Where on the form a finding is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A field path such as `funds.total.rate`, `execution.score`, `total.score`, `grade`.
    Field(&'static str),
    /// A field path built at run time, such as `funds.carryover.rate`.
    Path(String),
    /// An indicator row, by its index in `Form::indicators`.
    Indicator(usize),
}

/// One thing the audit found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The stable code.
    pub code: Code,
    /// The severity under the profile in use.
    pub severity: Severity,
    /// Where on the form.
    pub place: Place,
    /// The value the form reports, as a string (`15.00`, `≤2.00(次)`).
    pub reported: Option<String>,
    /// The value the rules give, as a string (`6.88`, `[8.00,10.00]`).
    pub expected: Option<String>,
    /// What the message says; `message()` writes it.
    message: Message,
}

impl Finding {
    pub(crate) fn new(
        code: Code,
        severity: Severity,
        place: Place,
        reported: Option<String>,
        expected: Option<String>,
        message: Message,
    ) -> Finding {
        Finding {
            code,
            severity,
            place,
            reported,
            expected,
            message,
        }
    }

    /// A sentence in Chinese a reviewer can act on, with how the expected value was computed.
    pub fn message(&self) -> Cow<'_, str> {
        let reported = self.reported.as_deref().unwrap_or_default();
        let expected = self.expected.as_deref().unwrap_or_default();
        let mut out = String::with_capacity(96);
        match &self.message {
            Message::Text(text) => return Cow::Borrowed(text),
            Message::VagueTarget => {
                out.push_str("目标“");
                out.push_str(reported);
                out.push_str("”没有可衡量的标准，宜量化或写明完成标准");
            }
            Message::Level1Weights => {
                let level1 = match &self.place {
                    Place::Path(path) => path.strip_prefix("indicators.").unwrap_or(path),
                    Place::Field(path) => path.strip_prefix("indicators.").unwrap_or(path),
                    Place::Indicator(_) => "",
                };
                out.push_str(level1);
                out.push_str("分值合计");
                out.push_str(reported);
                out.push_str("，规定为");
                out.push_str(expected);
            }
            Message::Overachieved {
                actual,
                op,
                target,
                deviation,
                threshold,
            } => {
                out.push_str("实际");
                push_plain(&mut out, *actual);
                out.push_str("超过目标");
                out.push_str(op.symbol());
                push_plain(&mut out, *target);
                out.push('达');
                push_percent(&mut out, *deviation);
                out.push_str("%（偏离度≥");
                push_plain(&mut out, threshold.saturating_mul(Decimal::ONE_HUNDRED));
                out.push_str("%），目标值可能设置偏低");
            }
            Message::NoteMissingGrade(attainment) => {
                out.push_str("完成情况为“");
                out.push_str(attainment.label());
                out.push_str("”，但未填写偏差原因分析及改进措施");
            }
            Message::NoteMissingScore { score, weight } => {
                out.push_str("得分");
                push_two_places(&mut out, *score);
                out.push_str("低于分值");
                push_two_places(&mut out, *weight);
                out.push_str("，但未填写偏差原因分析及改进措施");
            }
            Message::NoteMissingOverachieved { deviation } => {
                out.push_str("超额完成");
                push_percent(&mut out, *deviation);
                out.push_str("%，但未说明原因");
            }
            Message::ScoreBelowRule { formula, has_note } => {
                out.push_str("得分");
                out.push_str(reported);
                out.push_str("低于按规则计算的");
                out.push_str(expected);
                out.push('（');
                formula.push_steps(&mut out);
                out.push('）');
                out.push_str(if *has_note {
                    "，已说明原因"
                } else {
                    "，且未说明原因"
                });
            }
            Message::NoteContradicts => {
                out.push_str("偏差说明写明实际为");
                out.push_str(expected);
                out.push_str("，与实际完成值");
                out.push_str(reported);
                out.push_str("不符");
            }
        }
        Cow::Owned(out)
    }
}

/// What a finding says. The kinds a form has many of keep their values and are written when
/// read, as most audits (roll-ups, counts, the server's lists) never read most messages and
/// writing them was a tenth of the audit's cost; the texts they show are the finding's
/// `reported` and `expected`. Rarer kinds are written by their check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Message {
    /// Written out.
    Text(String),
    /// `vague-target`: the target is `reported`.
    VagueTarget,
    /// `level1-weights`: the level-1 group is in the place (`indicators.产出指标`), its sum
    /// `reported`, the profile's weight `expected`.
    Level1Weights,
    /// `overachieved`.
    Overachieved {
        actual: Decimal,
        op: Op,
        target: Decimal,
        deviation: Decimal,
        threshold: Decimal,
    },
    /// `note-missing` for a grade below 达成.
    NoteMissingGrade(Attainment),
    /// `note-missing` for a score below the weight.
    NoteMissingScore { score: Decimal, weight: Decimal },
    /// `note-missing` for an over-achievement.
    NoteMissingOverachieved { deviation: Decimal },
    /// `score-below-rule`: the scores are `reported` and `expected`.
    ScoreBelowRule { formula: Formula, has_note: bool },
    /// `note-contradicts`: the printed actual is `reported`, the note's number `expected`.
    NoteContradicts,
}

impl From<String> for Message {
    fn from(text: String) -> Message {
        Message::Text(text)
    }
}
