//! 评分等级: 优 / 良 / 中 / 差 from the total (rules.md §5, 财预〔2020〕10号).

use std::fmt;

use rust_decimal::Decimal;

use crate::decimal::lt;
use crate::profile::GradeBands;

/// A grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grade {
    /// 差: below the 中 band.
    Poor,
    /// 中.
    Pass,
    /// 良.
    Good,
    /// 优.
    Excellent,
}

impl Grade {
    /// The grade of a total under the bands (each band includes its lower bound).
    pub fn of(total: Decimal, bands: &GradeBands) -> Grade {
        if !lt(total, bands.excellent) {
            Grade::Excellent
        } else if !lt(total, bands.good) {
            Grade::Good
        } else if !lt(total, bands.pass) {
            Grade::Pass
        } else {
            Grade::Poor
        }
    }

    /// Reads a printed grade: `优`, `良`, `中`, `差` (surrounding spaces ignored).
    pub fn parse(text: &str) -> Option<Grade> {
        match text.trim() {
            "优" | "优秀" => Some(Grade::Excellent),
            "良" | "良好" => Some(Grade::Good),
            "中" | "中等" => Some(Grade::Pass),
            "差" | "较差" => Some(Grade::Poor),
            _ => None,
        }
    }

    /// The character the form prints.
    pub fn label(self) -> &'static str {
        match self {
            Grade::Excellent => "优",
            Grade::Good => "良",
            Grade::Pass => "中",
            Grade::Poor => "差",
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
