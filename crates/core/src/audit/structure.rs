//! Checks of the indicator tree as a whole (财预〔2020〕10号 framework): `level1-weights`,
//! `level1-missing`, `level-pair`, `execution-as-indicator`, `duplicate-indicator`.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use super::Ctx;
use crate::decimal;
use crate::finding::{Code, Message, Place};
use crate::model::{Form, Indicator};
use crate::quantity::{Word, same_text};
use crate::rounding::{self, two_places};

/// The paths of the three level-1 groups every form must have.
const REQUIRED_GROUPS: [&str; 3] = [
    "indicators.产出指标",
    "indicators.效益指标",
    "indicators.满意度指标",
];

/// A group's name from its path.
fn group_name(path: &str) -> &str {
    &path["indicators.".len()..]
}

/// The checks of the level-1 groups, whose findings come before the rows'.
pub(super) fn groups(ctx: &mut Ctx<'_>) {
    level1_weights(ctx);
    level1_missing(ctx);
}

/// The checks of each row against the rows above it, one row at a time.
pub(super) struct Rows<'a> {
    /// The level-2 names allowed under the level-1 of the row above, which most rows share.
    allowed: Option<(&'a str, Option<&'a Vec<String>>)>,
    /// The first row of each name's fingerprint.
    first_by_print: FxHashMap<u64, usize>,
}

impl<'a> Rows<'a> {
    pub(super) fn new(form: &Form) -> Rows<'a> {
        let mut first_by_print = FxHashMap::default();
        first_by_print.reserve(form.indicators.len());
        Rows {
            allowed: None,
            first_by_print,
        }
    }

    /// `level-pair`, `execution-as-indicator` and `duplicate-indicator` of row `index`.
    pub(super) fn check(&mut self, ctx: &mut Ctx<'a>, index: usize) {
        self.level_pair(ctx, index);
        execution_as_indicator(ctx, index);
        self.duplicate_indicator(ctx, index);
    }

    /// `level-pair`: each level-2 belongs to its level-1 (reported once per pair, at its first
    /// row).
    fn level_pair(&mut self, ctx: &mut Ctx<'a>, index: usize) {
        let indicators = &ctx.form.indicators;
        let indicator = &indicators[index];
        let same_pair = |a: &Indicator, b: &Indicator| {
            same_text(&a.level2, &b.level2) && same_text(&a.level1, &b.level1)
        };
        // Groups are contiguous: most rows repeat the pair of the row above.
        if index > 0 && same_pair(&indicators[index - 1], indicator) {
            return;
        }
        let level1 = indicator.level1.as_str();
        let under = match self.allowed {
            Some((above, under)) if same_text(above, level1) => under,
            _ => {
                let under = ctx.profile.levels.get(level1);
                self.allowed = Some((level1, under));
                under
            }
        };
        let message = match under {
            None => format!("一级指标“{level1}”不是规定的一级指标"),
            Some(under)
                if !under
                    .iter()
                    .any(|level2| same_text(level2, &indicator.level2)) =>
            {
                format!(
                    "二级指标“{}”不属于一级指标“{level1}”（应为{}）",
                    indicator.level2,
                    under.join("、")
                )
            }
            Some(_) => return,
        };
        if indicators[..index]
            .iter()
            .any(|earlier| same_pair(earlier, indicator))
        {
            return;
        }
        let reported = format!("{level1}/{}", indicator.level2);
        ctx.push(
            Code::LevelPair,
            Place::Indicator(index),
            Some(reported),
            None,
            message,
        );
    }

    /// `duplicate-indicator`, through a map from the names' fingerprints, not the names:
    /// hashing a u64 costs a multiplication.
    fn duplicate_indicator(&mut self, ctx: &mut Ctx<'a>, index: usize) {
        let indicators = &ctx.form.indicators;
        let name = &indicators[index].name;
        let first = match self.first_by_print.entry(fingerprint(name)) {
            Entry::Vacant(entry) => {
                entry.insert(index);
                return;
            }
            Entry::Occupied(entry) if indicators[*entry.get()].name == *name => *entry.get(),
            // Two names share a fingerprint: look for an equal name the slow way.
            Entry::Occupied(_) => {
                match indicators[..index]
                    .iter()
                    .position(|other| other.name == *name)
                {
                    Some(first) => first,
                    None => return,
                }
            }
        };
        duplicate(ctx, first, index);
    }
}

fn level1_weights(ctx: &mut Ctx<'_>) {
    let profile = ctx.profile;
    for (level1, default) in &profile.level1_weights {
        // A few groups against a few dozen rows: a scan per group beats a map of sums.
        let sum = rounding::sum(
            ctx.form
                .indicators
                .iter()
                .filter(|indicator| same_text(&indicator.level1, level1))
                .map(|indicator| indicator.weight.unwrap_or_default()),
        );
        if !decimal::order(sum, *default).is_eq() {
            ctx.push(
                Code::Level1Weights,
                group_place(level1),
                Some(two_places(sum)),
                Some(two_places(*default)),
                Message::Level1Weights,
            );
        }
    }
}

/// Where a level-1 group's findings are: `indicators.产出指标`, not built again for the three
/// groups every form has.
fn group_place(level1: &str) -> Place {
    match REQUIRED_GROUPS
        .iter()
        .find(|path| same_text(group_name(path), level1))
    {
        Some(path) => Place::Field(path),
        None => Place::Path(["indicators.", level1].concat()),
    }
}

fn level1_missing(ctx: &mut Ctx<'_>) {
    for level1 in REQUIRED_GROUPS.map(group_name) {
        let indicators = &ctx.form.indicators;
        if !indicators
            .iter()
            .any(|indicator| same_text(&indicator.level1, level1))
        {
            ctx.push(
                Code::Level1Missing,
                Place::Field("indicators"),
                None,
                Some(level1.into()),
                format!("缺少{level1}"),
            );
        }
    }
}

fn execution_as_indicator(ctx: &mut Ctx<'_>, index: usize) {
    // Both spellings contain 执行率, which most names do not.
    const RATE: Word = Word::new("执行率");
    const BUDGET_RATE: Word = Word::new("预算执行率");
    let name = &ctx.form.indicators[index].name;
    if RATE.is_in(name) && (BUDGET_RATE.is_in(name) || name.trim() == "执行率") {
        let message = "预算执行率已在项目资金部分评分，不应再设为三级指标".to_owned();
        ctx.push(
            Code::ExecutionAsIndicator,
            Place::Indicator(index),
            Some(name.clone()),
            None,
            message,
        );
    }
}

/// Equal names have equal fingerprints: the length and the first and last eight bytes.
fn fingerprint(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let length = bytes.len() as u64;
    match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (Some(first), Some(last)) => {
            u64::from_le_bytes(*first) ^ u64::from_le_bytes(*last).rotate_left(29) ^ length
        }
        _ => {
            let mut short = [0; 8];
            short[..bytes.len()].copy_from_slice(bytes);
            u64::from_le_bytes(short) ^ length << 59
        }
    }
}

fn duplicate(ctx: &mut Ctx<'_>, first: usize, index: usize) {
    let name = &ctx.form.indicators[index].name;
    let message = format!(
        "三级指标“{name}”重复出现（第{}项与第{}项）",
        first + 1,
        index + 1
    );
    ctx.push(
        Code::DuplicateIndicator,
        Place::Indicator(index),
        Some(name.clone()),
        None,
        message,
    );
}
