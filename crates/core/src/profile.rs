//! Profiles: the parameters of the rules, as TOML data (rules.md).
//!
//! `national` and `shanghai` are built in; a province writes its own file without code. A file may
//! start with `base = "NAME"` and give only what differs: each top-level key it gives replaces the
//! base's whole value (tables included), which keeps the result easy to predict.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Deserializer};

use crate::finding::{Code, Severity};
use crate::rounding::RateRounding;

/// The built-in profiles: name and TOML text.
pub const BUILTIN: &[(&str, &str)] = &[
    ("national", include_str!("../profiles/national.toml")),
    ("shanghai", include_str!("../profiles/shanghai.toml")),
];

/// A set of rule parameters.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Short name, e.g. `shanghai`.
    pub name: String,
    /// Chinese title for people.
    pub title: String,
    /// How 执行率 is rounded.
    pub rate_rounding: RateRounding,
    /// How far a printed value may be from its rule value and still match.
    #[serde(deserialize_with = "decimal")]
    pub tolerance: Decimal,
    /// How reverse indicators are scored.
    pub reverse_formula: ReverseFormula,
    /// Whether `>` and `<` exclude equality.
    pub strict_inequality: bool,
    /// Whether 部分达成 may score exactly 0.8 of the weight.
    pub partial_upper_inclusive: bool,
    /// 偏离度 from which an over-achievement is flagged.
    #[serde(deserialize_with = "decimal")]
    pub overachieve_threshold: Decimal,
    /// The lowest sensible satisfaction target.
    #[serde(deserialize_with = "decimal")]
    pub satisfaction_min: Decimal,
    /// What all weights add up to.
    #[serde(deserialize_with = "decimal")]
    pub total_weight: Decimal,
    /// Default weights of the level-1 groups; empty means they are not checked.
    #[serde(deserialize_with = "decimal_map")]
    pub level1_weights: BTreeMap<String, Decimal>,
    /// Lowest total of each grade.
    pub grade_bands: GradeBands,
    /// The level-2 names allowed under each level-1 name.
    pub levels: BTreeMap<String, Vec<String>>,
    /// Qualitative targets that name no standard; a set, as every qualitative target is looked up.
    pub vague_words: FxHashSet<String>,
    /// Severity changes for this profile.
    pub severity: BTreeMap<String, Severity>,
}

/// How a reverse (≤, <) indicator that missed its target is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReverseFormula {
    /// w·t/a.
    Ratio,
    /// w·(1 − (a−t)/t), 0 at a ≥ 2t.
    #[serde(rename = "linear_2x")]
    Linear2x,
    /// Scored by hand: only 0 ≤ s < w is checked.
    Manual,
}

/// The lowest total of each grade (优 / 良 / 中; below 中 is 差).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBands {
    /// 优 from this total.
    #[serde(deserialize_with = "decimal")]
    pub excellent: Decimal,
    /// 良 from this total.
    #[serde(deserialize_with = "decimal")]
    pub good: Decimal,
    /// 中 from this total.
    #[serde(deserialize_with = "decimal")]
    pub pass: Decimal,
}

/// A profile that could not be read: which key, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// Not TOML, or a key of the wrong type or name.
    #[error("配置文件格式错误：{0}")]
    Syntax(String),
    /// A key with a value the rules do not allow.
    #[error("配置项 `{key}` 无效：{problem}")]
    Invalid {
        /// The key, as a dotted path.
        key: String,
        /// What is wrong.
        problem: String,
    },
    /// `base` or a name that is not a built-in profile.
    #[error("没有名为 `{0}` 的内置配置（可用：national、shanghai）")]
    Unknown(String),
}

impl Profile {
    /// A built-in profile by name.
    pub fn builtin(name: &str) -> Result<Profile, ProfileError> {
        let text = builtin_text(name).ok_or_else(|| ProfileError::Unknown(name.to_owned()))?;
        Profile::from_toml(text)
    }

    /// Reads a profile from TOML text, resolving `base`.
    pub fn from_toml(text: &str) -> Result<Profile, ProfileError> {
        let table = resolve(text, 0)?;
        let profile = Profile::deserialize(toml::Value::Table(table))
            .map_err(|err| ProfileError::Syntax(err.to_string().trim_end().to_owned()))?;
        profile.validate()?;
        Ok(profile)
    }

    /// The severity of a code under this profile.
    pub fn severity(&self, code: Code) -> Severity {
        self.severity
            .get(code.as_str())
            .copied()
            .unwrap_or_else(|| code.default_severity())
    }

    fn validate(&self) -> Result<(), ProfileError> {
        let invalid = |key: &str, problem: &str| {
            Err(ProfileError::Invalid {
                key: key.to_owned(),
                problem: problem.to_owned(),
            })
        };
        if self.tolerance.is_sign_negative() || self.tolerance > Decimal::new(1, 2) {
            return invalid("tolerance", "须在0到0.01之间（更宽的容差会掩盖真实错误）");
        }
        if self.overachieve_threshold <= Decimal::ZERO {
            return invalid("overachieve_threshold", "须大于0");
        }
        if self.total_weight <= Decimal::ZERO {
            return invalid("total_weight", "须大于0");
        }
        let bands = &self.grade_bands;
        if !(bands.excellent > bands.good && bands.good > bands.pass && bands.pass >= Decimal::ZERO)
        {
            return invalid("grade_bands", "须满足 excellent > good > pass ≥ 0");
        }
        if let Some(key) = self
            .severity
            .keys()
            .find(|key| Code::from_str(key).is_err())
        {
            return invalid(&format!("severity.{key}"), "不是已知的问题代码");
        }
        Ok(())
    }
}

impl fmt::Display for ReverseFormula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReverseFormula::Ratio => "ratio",
            ReverseFormula::Linear2x => "linear_2x",
            ReverseFormula::Manual => "manual",
        })
    }
}

/// The TOML text of a built-in profile.
pub fn builtin_text(name: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(builtin, _)| *builtin == name)
        .map(|(_, text)| *text)
}

fn resolve(text: &str, depth: usize) -> Result<toml::Table, ProfileError> {
    let mut table: toml::Table = text.parse().map_err(|err: toml::de::Error| {
        ProfileError::Syntax(err.to_string().trim_end().to_owned())
    })?;
    let Some(base) = table.remove("base") else {
        return Ok(table);
    };
    let Some(base_name) = base.as_str() else {
        return Err(ProfileError::Invalid {
            key: "base".into(),
            problem: "须为内置配置的名称，如 \"national\"".into(),
        });
    };
    let base_text =
        builtin_text(base_name).ok_or_else(|| ProfileError::Unknown(base_name.to_owned()))?;
    if depth > 4 {
        return Err(ProfileError::Invalid {
            key: "base".into(),
            problem: "继承层级过深".into(),
        });
    }
    let mut merged = resolve(base_text, depth + 1)?;
    merged.extend(table);
    Ok(merged)
}

/// Decimals may be written as strings (`"0.01"`, exact) or as TOML numbers.
fn decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    let value = toml::Value::deserialize(deserializer)?;
    to_decimal(&value).map_err(serde::de::Error::custom)
}

fn decimal_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, Decimal>, D::Error> {
    let map = BTreeMap::<String, toml::Value>::deserialize(deserializer)?;
    map.into_iter()
        .map(|(key, value)| {
            to_decimal(&value)
                .map(|number| (key.clone(), number))
                .map_err(|err| serde::de::Error::custom(format!("`{key}`: {err}")))
        })
        .collect()
}

fn to_decimal(value: &toml::Value) -> Result<Decimal, String> {
    let text = match value {
        toml::Value::String(text) => text.clone(),
        toml::Value::Integer(number) => number.to_string(),
        // f64's Display is the shortest text that reads back the same: 0.2 → "0.2".
        toml::Value::Float(number) => number.to_string(),
        other => return Err(format!("须为数字，实际为 {}", other.type_str())),
    };
    Decimal::from_str(text.trim()).map_err(|_| format!("须为数字，实际为 \"{text}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_load() {
        let national = Profile::builtin("national").unwrap();
        assert_eq!(national.rate_rounding, RateRounding::HalfUp);
        assert_eq!(national.level1_weights.len(), 3);
        let shanghai = Profile::builtin("shanghai").unwrap();
        assert_eq!(shanghai.rate_rounding, RateRounding::Truncate);
        assert!(shanghai.partial_upper_inclusive);
        assert!(shanghai.level1_weights.is_empty());
        assert_eq!(shanghai.levels, national.levels);
    }

    #[test]
    fn numbers_may_be_toml_numbers() {
        let profile =
            Profile::from_toml("base = \"national\"\nname = \"x\"\noverachieve_threshold = 0.3\n")
                .unwrap();
        assert_eq!(profile.overachieve_threshold, Decimal::new(3, 1));
    }

    #[test]
    fn errors_name_the_key() {
        let err = Profile::from_toml("base = \"national\"\ntolerance = \"0.1\"").unwrap_err();
        assert!(err.to_string().contains("tolerance"), "{err}");
        let err = Profile::from_toml("base = \"national\"\ntolerence = \"0.01\"").unwrap_err();
        assert!(err.to_string().contains("tolerence"), "{err}");
        let err = Profile::from_toml("base = \"national\"\nrate_rounding = \"up\"").unwrap_err();
        assert!(err.to_string().contains("rate_rounding"), "{err}");
        let err = Profile::from_toml("base = \"national\"\n[severity]\n\"no-such\" = \"info\"")
            .unwrap_err();
        assert!(err.to_string().contains("severity.no-such"), "{err}");
        let err = Profile::from_toml("base = \"beijing\"").unwrap_err();
        assert!(err.to_string().contains("beijing"), "{err}");
        let err = Profile::from_toml("base = \"national\"\ntolerance = \"abc\"").unwrap_err();
        assert!(err.to_string().contains("tolerance"), "{err}");
    }
}
