//! The level labels of the indicator table (一级指标, 二级指标), recognised by their words.
//!
//! Extractions move labels between columns, split them with spaces (`满意 度指 标`) and cut them
//! at page breaks (`可持续` … `续影响指标`, `质量` … `指标`), so the reader does not trust the
//! column: a label is a cell whose words are a known label, or a piece of one. This module knows
//! the vocabulary of 财预〔2020〕10号 and the national and Shanghai templates, and how to put a
//! label back together from a head and a tail.

use std::borrow::Cow;

use super::clean::fold;

/// The level of a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    /// 一级指标.
    One,
    /// 二级指标.
    Two,
}

/// The levels a label (or a piece of one) can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Levels {
    /// It can be a 一级指标.
    pub(crate) one: bool,
    /// It can be a 二级指标.
    pub(crate) two: bool,
}

impl Levels {
    pub(crate) fn contains(self, level: Level) -> bool {
        match level {
            Level::One => self.one,
            Level::Two => self.two,
        }
    }

    fn union(self, other: Levels) -> Levels {
        Levels {
            one: self.one || other.one,
            two: self.two || other.two,
        }
    }
}

const ONE: Levels = Levels {
    one: true,
    two: false,
};
const TWO: Levels = Levels {
    one: false,
    two: true,
};
const BOTH: Levels = Levels {
    one: true,
    two: true,
};

/// Every known label with its levels. `成本指标` is a 二级指标 under `产出指标` in the templates
/// before 2021 and a 一级指标 in later ones.
const LABELS: &[(&str, Levels)] = &[
    ("产出指标", ONE),
    ("效益指标", ONE),
    ("满意度指标", ONE),
    ("成本指标", BOTH),
    ("数量指标", TWO),
    ("质量指标", TWO),
    ("时效指标", TWO),
    ("社会效益指标", TWO),
    ("经济效益指标", TWO),
    ("生态效益指标", TWO),
    ("可持续影响指标", TWO),
    ("服务对象满意度指标", TWO),
    ("经济成本指标", TWO),
    ("社会成本指标", TWO),
    ("生态环境成本指标", TWO),
];

/// Whether a known label starts with `ch` (kept in step with [`LABELS`] by a test).
fn starts_a_label(ch: char) -> bool {
    matches!(
        ch,
        '产' | '效' | '满' | '成' | '数' | '质' | '时' | '社' | '经' | '生' | '可' | '服'
    )
}

/// Removes a weight printed after a label: `产出指标(50分)` → `产出指标`.
pub(crate) fn strip_weight(text: &str) -> Cow<'_, str> {
    // Most cells end in no bracket: keep them as they are, without folding.
    if !text.ends_with([')', '）']) {
        return Cow::Borrowed(text);
    }
    let folded = fold(text);
    if let Some(body) = folded.strip_suffix(')')
        && let Some((label, inner)) = body.rsplit_once('(')
        && inner.chars().any(|ch| ch.is_ascii_digit())
        && inner
            .chars()
            .all(|ch| ch.is_ascii_digit() || matches!(ch, '.' | '分' | '%' | ' '))
        && !label.is_empty()
    {
        return Cow::Owned(label.to_owned());
    }
    Cow::Borrowed(text)
}

/// The known label `text` is, with its levels.
pub(crate) fn exact(text: &str) -> Option<(&'static str, Levels)> {
    LABELS.iter().copied().find(|(label, _)| *label == text)
}

/// The levels of the known labels that `text` is the head of (two characters at least, and not
/// the whole label), or `None` when it is the head of none.
pub(crate) fn head_of(text: &str) -> Option<Levels> {
    // Every row's cells are asked: most start with no label's first character.
    let mut chars = text.chars();
    if !chars.next().is_some_and(starts_a_label) || chars.next().is_none() {
        return None;
    }
    LABELS
        .iter()
        .filter(|(label, _)| label.len() > text.len() && label.starts_with(text))
        .map(|(_, levels)| *levels)
        .reduce(Levels::union)
}

/// The known label that a head and a tail cut by a page break make, if any.
///
/// The tail may repeat the end of the head (`可持续` + `续影响指标` → `可持续影响指标`), as some
/// extractions print a character on both sides of the break.
pub(crate) fn join(head: &str, tail: &str) -> Option<(&'static str, Levels)> {
    if head.is_empty() || tail.is_empty() {
        return None;
    }
    let whole = format!("{head}{tail}");
    if let Some(found) = exact(&whole) {
        return Some(found);
    }
    LABELS.iter().copied().find(|(label, _)| {
        label.starts_with(head)
            && label.ends_with(tail)
            && head.len() < label.len()
            && tail.len() < label.len()
            && head.len() + tail.len() >= label.len()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_recognised_by_words() {
        assert_eq!(strip_weight("产出指标(50分)"), "产出指标");
        assert_eq!(strip_weight("产出指标（５０分）"), "产出指标");
        assert_eq!(strip_weight("点击率(收听率)"), "点击率(收听率)");
        assert_eq!(exact("服务对象满意度指标").map(|(_, l)| l), Some(TWO));
        assert_eq!(head_of("满意度指"), Some(ONE));
        assert_eq!(head_of("社会"), Some(TWO));
        assert_eq!(head_of("产出指标"), None);
        assert_eq!(
            join("可持续", "续影响指标").map(|(l, _)| l),
            Some("可持续影响指标")
        );
        assert_eq!(
            join("服务对象", "满意度指标").map(|(l, _)| l),
            Some("服务对象满意度指标")
        );
        assert_eq!(join("效益", "指标").map(|(l, _)| l), Some("效益指标"));
        assert_eq!(join("质量", "指标完成率"), None);
        for (label, _) in LABELS {
            assert!(label.chars().next().is_some_and(starts_a_label), "{label}");
        }
    }
}
