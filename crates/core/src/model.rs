//! The self-evaluation form (财政项目支出绩效自评表) as the canonical JSON describes it.
//!
//! These types *are* the interchange contract of `form-json.md`: field names and meanings must not
//! change. Numbers keep the scale they were printed with (`40.00` stays `40.00`), a number that a
//! document lost is `None` (never invented), and keys this version does not know are kept in
//! `extra`, so reading then writing a form loses nothing.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Keys of a JSON object that the model does not define; kept so a round trip loses nothing.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// One self-evaluation form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Form {
    /// The budget year, `(2024年度)`.
    pub year: i32,
    /// 项目名称.
    pub project: String,
    /// 主管部门.
    pub department: String,
    /// 实施单位.
    pub implementing_unit: String,
    /// 项目资金 (万元).
    pub funds: Funds,
    /// The budget-execution indicator: the 分数, 执行率 and 得分 of the 年度资金总额 row.
    pub execution: Execution,
    /// 年度总体目标.
    pub goals: Goals,
    /// The indicator table (三级指标), in document order.
    pub indicators: Vec<Indicator>,
    /// The 总分 row.
    pub total: Total,
    /// 评分等级 as printed: `优` / `良` / `中` / `差`.
    pub grade: String,
    /// Keys not defined by the contract, kept as they were read.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

/// The funds table, amounts in 万元.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Funds {
    /// 年度资金总额.
    pub total: FundsRow,
    /// 其中：当年财政拨款 (also 本年财政拨款).
    pub appropriation: FundsRow,
    /// 上年结转资金.
    pub carryover: FundsRow,
    /// 其他资金.
    pub other: FundsRow,
}

impl Funds {
    /// The rows with their field names, total first.
    pub fn rows(&self) -> [(FundsSource, &FundsRow); 4] {
        [
            (FundsSource::Total, &self.total),
            (FundsSource::Appropriation, &self.appropriation),
            (FundsSource::Carryover, &self.carryover),
            (FundsSource::Other, &self.other),
        ]
    }
}

/// Which row of the funds table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FundsSource {
    /// 年度资金总额.
    Total,
    /// 当年财政拨款.
    Appropriation,
    /// 上年结转资金.
    Carryover,
    /// 其他资金.
    Other,
}

impl FundsSource {
    /// The JSON key of the row.
    pub fn key(self) -> &'static str {
        match self {
            FundsSource::Total => "total",
            FundsSource::Appropriation => "appropriation",
            FundsSource::Carryover => "carryover",
            FundsSource::Other => "other",
        }
    }

    /// The row's label on the form.
    pub fn label(self) -> &'static str {
        match self {
            FundsSource::Total => "年度资金总额",
            FundsSource::Appropriation => "当年财政拨款",
            FundsSource::Carryover => "上年结转资金",
            FundsSource::Other => "其他资金",
        }
    }
}

/// One row of the funds table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FundsRow {
    /// 年初预算数.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    #[schemars(with = "Option<f64>")]
    pub initial: Option<Decimal>,
    /// 全年预算数.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    #[schemars(with = "Option<f64>")]
    pub adjusted: Option<Decimal>,
    /// 全年执行数.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    #[schemars(with = "Option<f64>")]
    pub executed: Option<Decimal>,
    /// 执行率 in percent, as printed.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    #[schemars(with = "Option<f64>")]
    pub rate: Option<Decimal>,
}

/// The budget-execution indicator (预算执行率), scored from the funds table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Execution {
    /// 分数 (分值): the weight of budget execution, normally 10.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    #[schemars(with = "Option<f64>")]
    pub weight: Option<Decimal>,
    /// 执行率 in percent, as printed on the 年度资金总额 row.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    #[schemars(with = "Option<f64>")]
    pub rate: Option<Decimal>,
    /// 得分.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    #[schemars(with = "Option<f64>")]
    pub score: Option<Decimal>,
}

/// 年度总体目标.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Goals {
    /// 预期目标: plain text, paragraphs joined by `\n`.
    pub expected: String,
    /// 实际完成情况: plain text, paragraphs joined by `\n`.
    pub actual: String,
}

/// One row of the indicator table (三级指标).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Indicator {
    /// 一级指标, e.g. `产出指标`.
    pub level1: String,
    /// 二级指标, e.g. `数量指标`.
    pub level2: String,
    /// 三级指标: the indicator's name.
    pub name: String,
    /// 年度指标值 as printed, e.g. `≥120(天)` or `及时`.
    pub target: String,
    /// 实际完成值 as printed, e.g. `120.00(天)` or `达成指标`.
    pub actual: String,
    /// 分值.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    #[schemars(with = "Option<f64>")]
    pub weight: Option<Decimal>,
    /// 得分.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    #[schemars(with = "Option<f64>")]
    pub score: Option<Decimal>,
    /// 偏差原因分析及改进措施; empty when blank.
    pub note: String,
    /// Keys not defined by the contract, kept as they were read.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

/// The 总分 row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Total {
    /// The 总分 column, normally 100.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    #[schemars(with = "Option<f64>")]
    pub weight: Option<Decimal>,
    /// The 得分 column.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    #[schemars(with = "Option<f64>")]
    pub score: Option<Decimal>,
}
