//! Reading the text of targets (年度指标值) and actuals (实际完成值), rules.md §2.
//!
//! Forms print the same thing in many ways: `≥120(天)`, `≧120天`, `不低于１２０天`, `大于 90%`,
//! `>=1,000（份）`. Everything is first folded to one spelling (`fold`), then read.
//! Reading never fails: text that is not a quantity is qualitative, and that is a finding for the
//! audit to judge, not an error.

use std::borrow::Cow;
use std::str::FromStr;

use rust_decimal::Decimal;

/// The comparison a quantitative target asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `=`: reach exactly this much (scored like `≥`).
    Eq,
    /// `≥`.
    Ge,
    /// `>`.
    Gt,
    /// `≤`.
    Le,
    /// `<`.
    Lt,
}

impl Op {
    /// The operator as forms print it.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ge => "≥",
            Op::Gt => ">",
            Op::Le => "≤",
            Op::Lt => "<",
        }
    }

    /// Which way is better.
    pub fn direction(self) -> Direction {
        match self {
            Op::Ge | Op::Gt => Direction::Positive,
            Op::Le | Op::Lt => Direction::Reverse,
            Op::Eq => Direction::Exact,
        }
    }
}

/// Which way an indicator is better (rules.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// More is better (`≥`, `>`).
    Positive,
    /// Less is better (`≤`, `<`).
    Reverse,
    /// Reach the value (`=`).
    Exact,
}

/// A quantitative target: `≥120(天)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The comparison.
    pub op: Op,
    /// The number, as written (scale kept).
    pub value: Decimal,
    /// The unit folded to one spelling (`%` for `百分比`), empty when none.
    pub unit: Unit,
}

/// A quantitative actual: `120.00(天)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    /// The number, as written (scale kept).
    pub value: Decimal,
    /// The unit folded to one spelling, empty when none.
    pub unit: Unit,
}

/// The three grades of a qualitative indicator (rules.md §2, 财预〔2020〕10号).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Attainment {
    /// 未达成指标且效果较差: 0 ≤ s < 0.6w.
    NotAchieved,
    /// 部分达成指标并具有一定效果: 0.6w ≤ s < 0.8w.
    Partial,
    /// 达成指标: 0.8w ≤ s ≤ w.
    Achieved,
}

impl Attainment {
    /// Reads a grade in either spelling (`达成指标`, `达成年度指标`, `达成预期指标`, …).
    pub fn parse(text: &str) -> Option<Attainment> {
        let exact = |text: &str| match text {
            "达成指标" | "达成年度指标" | "达成预期指标" => {
                Some(Attainment::Achieved)
            }
            "部分达成指标并具有一定效果"
            | "部分达成年度指标并具有一定效果"
            | "部分达成预期指标并具有一定效果" => Some(Attainment::Partial),
            "未达成指标且效果较差" | "未达成年度指标且效果较差" | "未达成预期指标且效果较差" => {
                Some(Attainment::NotAchieved)
            }
            _ => None,
        };
        // Numbers are by far the most common actuals: no need to look further.
        const DA: Word = Word::new("达");
        if text.starts_with(|c: char| c.is_ascii_digit()) || !DA.is_in(text) {
            return None;
        }
        exact(text).or_else(|| exact(&fold(text)))
    }

    /// The grade's wording on the national form.
    pub fn label(self) -> &'static str {
        match self {
            Attainment::Achieved => "达成指标",
            Attainment::Partial => "部分达成指标并具有一定效果",
            Attainment::NotAchieved => "未达成指标且效果较差",
        }
    }
}

/// What a target and its actual say together, which decides how the indicator is scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// A quantitative target and a numeric actual.
    Quantitative {
        /// The target.
        target: Target,
        /// The actual.
        actual: Amount,
    },
    /// The actual is one of the three grades, whatever the target says.
    Qualitative(Attainment),
    /// Neither: the actual is not a grade, and the pair is not a target with a number.
    Unknown,
}

/// Reads an indicator's target and actual together (rules.md §2).
pub fn read(target: &str, actual: &str) -> Reading {
    read_against(parse_target(target), actual)
}

/// Like `read`, with the target already read by `parse_target`.
pub fn read_against(target: Option<Target>, actual: &str) -> Reading {
    if let Some(grade) = Attainment::parse(actual) {
        return Reading::Qualitative(grade);
    }
    match (target, parse_amount(actual)) {
        (Some(target), Some(actual)) => Reading::Quantitative { target, actual },
        _ => Reading::Unknown,
    }
}

/// Reads a quantitative target: an operator (symbol or word), a number, and an optional unit.
pub fn parse_target(text: &str) -> Option<Target> {
    match read_plain(text) {
        Some((op, value, unit)) => op.map(|op| Target { op, value, unit }),
        None => target_by_folding(text),
    }
}

fn target_by_folding(text: &str) -> Option<Target> {
    if starts_with_plain_word(text) {
        return None;
    }
    let folded = fold(text);
    let (op, rest) = split_op(&folded)?;
    let (value, unit) = split_number(rest)?;
    Some(Target {
        op,
        value,
        unit: unit_of(unit)?,
    })
}

/// Reads an actual: a number and an optional unit; an operator in front (`≥90%`) is ignored.
pub fn parse_amount(text: &str) -> Option<Amount> {
    match read_plain(text) {
        Some((_, value, unit)) => Some(Amount { value, unit }),
        None => amount_by_folding(text),
    }
}

fn amount_by_folding(text: &str) -> Option<Amount> {
    if starts_with_plain_word(text) {
        return None;
    }
    let folded = fold(text);
    let rest = split_op(&folded).map_or(&*folded, |(_, rest)| rest);
    let (value, unit) = split_number(rest)?;
    Some(Amount {
        value,
        unit: unit_of(unit)?,
    })
}

/// Reads the spelling jixiao writes and most forms print (`≥120(天)`, `=100.00(%)`, `98.00(%)`,
/// `5`) without folding: an operator symbol or none, a number (`split_number`), and a common
/// unit in ASCII brackets, bare, or none. Nothing in such a text folds, so the general reading
/// would give the same; anything else (`None`) is left to it.
fn read_plain(text: &str) -> Option<(Option<Op>, Decimal, Unit)> {
    let bytes = text.as_bytes();
    let (op, start) = match bytes.first()? {
        b'0'..=b'9' => (None, 0),
        b'=' => (Some(Op::Eq), 1),
        b'>' => (Some(Op::Gt), 1),
        b'<' => (Some(Op::Lt), 1),
        // `≥` (U+2265) and `≤` (U+2264).
        0xE2 => match bytes.get(1..3)? {
            [0x89, 0xA5] => (Some(Op::Ge), 3),
            [0x89, 0xA4] => (Some(Op::Le), 3),
            _ => return None,
        },
        _ => return None,
    };
    let (value, unit) = split_number(&text[start..])?;
    let unit = unit
        .strip_prefix('(')
        .and_then(|unit| unit.strip_suffix(')'))
        .unwrap_or(unit);
    Some((op, value, Cow::Borrowed(common_unit(unit)?)))
}

/// Whether `text` starts with a Chinese character that begins no operator word (`及时`,
/// `达成指标`): then it is no quantity, whatever follows. Folding never changes such a
/// character, so this spares folding the qualitative targets and actuals.
fn starts_with_plain_word(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|first| matches!(first, '\u{4E00}'..='\u{9FFF}') && !begins_op_word(first))
}

/// The first characters of `OP_WORDS`.
fn begins_op_word(ch: char) -> bool {
    matches!(ch, '大' | '小' | '不' | '至' | '高' | '低' | '等')
}

/// Folds the spellings forms use into one: full-width digits, letters and brackets to ASCII,
/// operator variants to `= ≥ ≤ > <`, thousands separators and white space removed.
/// Text that needs no folding (most of it) is returned as it is, without copying.
pub fn fold(text: &str) -> Cow<'_, str> {
    if !any_needs_folding(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        let folded = match ch {
            // Full-width ASCII block (digits, letters, ％, ．, ＜, ＞, ＝, （, ）…).
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(ch as u32 - 0xFEE0).unwrap_or(ch),
            '═' => '=',
            '≧' | '⩾' => '≥',
            '≦' | '⩽' => '≤',
            _ => ch,
        };
        let next = chars.peek().copied();
        match folded {
            c if is_space(c) => {}
            '>' | '<' if matches!(next, Some('=' | '＝')) => {
                out.push(if folded == '>' { '≥' } else { '≤' });
                chars.next();
            }
            ',' if out.ends_with(|c: char| c.is_ascii_digit())
                && next.is_some_and(|c| fold_digit(c).is_some()) =>
            {
                // A thousands separator: `1,000`, `1，000`.
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether `fold` may change `text`: a character per step by its first byte, without decoding;
/// the characters it folds are told by their UTF-8 bytes. Every text is read this way at least
/// once, so Chinese text (U+4E00–9FFF) is skipped three bytes at a time.
fn any_needs_folding(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        // ASCII, most of a target's bytes, by a table: one load and one test.
        if byte < 0x80 {
            if FOLDED_ASCII[usize::from(byte)] {
                return true;
            }
            at += 1;
            continue;
        }
        let next = |ahead: usize| bytes.get(at + ahead).copied().unwrap_or_default();
        at += match byte {
            // U+0085, U+00A0.
            0xC2 if matches!(next(1), 0x85 | 0xA0) => return true,
            0x80..=0xDF => 2,
            // U+1680.
            0xE1 if (next(1), next(2)) == (0x9A, 0x80) => return true,
            // U+2000–200A, U+2028, U+2029, U+202F, U+205F, ≦ ≧ (U+2266–2267), ═ (U+2550),
            // ⩽ ⩾ (U+2A7D–2A7E).
            0xE2 if matches!(
                (next(1), next(2)),
                (0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF)
                    | (0x81, 0x9F)
                    | (0x89, 0xA6 | 0xA7)
                    | (0x95, 0x90)
                    | (0xA9, 0xBD | 0xBE)
            ) =>
            {
                return true;
            }
            // U+3000.
            0xE3 if (next(1), next(2)) == (0x80, 0x80) => return true,
            // U+FF01–FF5E.
            0xEF if matches!(
                (next(1), next(2)),
                (0xBC, 0x81..=0xBF) | (0xBD, 0x80..=0x9E)
            ) =>
            {
                return true;
            }
            0xE0..=0xEF => 3,
            _ => 4,
        };
    }
    false
}

/// The ASCII characters `fold` changes or drops.
const FOLDED_ASCII: [bool; 128] = {
    let mut folded = [false; 128];
    let mut byte = 0;
    while byte < 128 {
        folded[byte] = matches!(byte as u8, b'\t'..=b'\r' | b' ' | b',' | b'<' | b'>');
        byte += 1;
    }
    folded
};

/// `char::is_whitespace` (Unicode White_Space) without its table lookup, which costs more than
/// the rest of reading a short target.
fn is_space(ch: char) -> bool {
    matches!(
        ch,
        '\t'..='\r'
            | ' '
            | '\u{85}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

fn fold_digit(ch: char) -> Option<u32> {
    match ch {
        '0'..='9' => ch.to_digit(10),
        '０'..='９' => Some(ch as u32 - '０' as u32),
        _ => None,
    }
}

/// A fixed word the audit looks for in every row (`满意度`, `执行率`, `实际`), with Horspool's
/// skip table built at compile time. A search looks at the byte under the window's last byte and
/// moves the window past it when the word does not hold that byte, so it reads one byte in three
/// of Chinese text, or fewer, where a byte-by-byte scan was a tenth of the audit's cost.
pub struct Word {
    bytes: &'static [u8],
    /// How far the window may move when its last byte is the index.
    skip: [u8; 256],
}

impl Word {
    /// The word and its skip table. A word is 1–255 bytes (checked when compiled).
    pub const fn new(word: &'static str) -> Word {
        let bytes = word.as_bytes();
        assert!(
            !bytes.is_empty() && bytes.len() < 256,
            "a word is 1-255 bytes"
        );
        let last = bytes.len() - 1;
        let mut skip = [bytes.len() as u8; 256];
        let mut at = 0;
        while at < last {
            skip[bytes[at] as usize] = (last - at) as u8;
            at += 1;
        }
        Word { bytes, skip }
    }

    /// Where the word first occurs in `text`, as `str::find` says.
    pub fn find(&self, text: &str) -> Option<usize> {
        let (text, word) = (text.as_bytes(), self.bytes);
        let last = word.len() - 1;
        let mut at = 0;
        while let Some(&byte) = text.get(at + last) {
            if byte == word[last] && text[at..at + last] == word[..last] {
                return Some(at);
            }
            at += usize::from(self.skip[usize::from(byte)]);
        }
        None
    }

    /// Whether `text` contains the word.
    pub fn is_in(&self, text: &str) -> bool {
        self.find(text).is_some()
    }
}

/// Whether two texts are equal, comparing short ones (labels and words on a form are 6–15 bytes)
/// in two overlapping machine words instead of calling `memcmp`.
#[inline]
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    match a.len() {
        // The two words overlap when shorter than both together; they cover every byte.
        4..=8 => a.first_chunk::<4>() == b.first_chunk() && a.last_chunk::<4>() == b.last_chunk(),
        9..=16 => a.first_chunk::<8>() == b.first_chunk() && a.last_chunk::<8>() == b.last_chunk(),
        // Level-2 names (`服务对象满意度指标`, 27 bytes) in two 16-byte words.
        17..=32 => {
            a.first_chunk::<16>() == b.first_chunk() && a.last_chunk::<16>() == b.last_chunk()
        }
        // Longer texts usually differ in their first or last words: compare those first.
        33.. if a.first_chunk::<8>() != b.first_chunk()
            || a.last_chunk::<8>() != b.last_chunk() =>
        {
            false
        }
        _ => a == b,
    }
}

/// Whether `text` is empty or white space only: `text.trim().is_empty()`, looking at one character
/// of a text that is not.
pub(crate) fn is_blank(text: &str) -> bool {
    // Every white space character is ASCII or starts with one of these bytes (U+0085, U+00A0,
    // U+1680, U+2000–205F, U+3000): any other first byte decides at once.
    match text.as_bytes().first() {
        None => true,
        Some(b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3) => text.chars().all(is_space),
        Some(_) => false,
    }
}

/// Operator words, longest first so that `大于等于` wins over `大于`.
const OP_WORDS: &[(&str, Op)] = &[
    ("大于等于", Op::Ge),
    ("小于等于", Op::Le),
    ("不低于", Op::Ge),
    ("不少于", Op::Ge),
    ("不小于", Op::Ge),
    ("不超过", Op::Le),
    ("不高于", Op::Le),
    ("不多于", Op::Le),
    ("不大于", Op::Le),
    ("至少", Op::Ge),
    ("大于", Op::Gt),
    ("高于", Op::Gt),
    ("小于", Op::Lt),
    ("低于", Op::Lt),
    ("等于", Op::Eq),
    ("≥", Op::Ge),
    ("≤", Op::Le),
    ("=", Op::Eq),
    (">", Op::Gt),
    ("<", Op::Lt),
];

fn split_op(folded: &str) -> Option<(Op, &str)> {
    // Most targets start with a digit or a symbol: only the words' first characters need the table.
    let first = folded.chars().next()?;
    let symbol = match first {
        '≥' => Op::Ge,
        '≤' => Op::Le,
        '=' => Op::Eq,
        '>' => Op::Gt,
        '<' => Op::Lt,
        ch if begins_op_word(ch) => return split_op_word(folded),
        _ => return None,
    };
    Some((symbol, &folded[first.len_utf8()..]))
}

fn split_op_word(folded: &str) -> Option<(Op, &str)> {
    OP_WORDS
        .iter()
        .find_map(|(word, op)| folded.strip_prefix(word).map(|rest| (*op, rest)))
}

/// Splits a leading decimal number from the rest; the number keeps its written scale.
/// One pass reads the digits as it finds the number's end; anything unusual (a second point,
/// more digits than 64 bits hold) is left to `parse_decimal`.
#[inline]
fn split_number(text: &str) -> Option<(Decimal, &str)> {
    let bytes = text.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut point = None;
    let mut plain = true;
    let mut end = bytes.len();
    for (at, &byte) in bytes.iter().enumerate() {
        match byte {
            b'0'..=b'9' => match mantissa
                .checked_mul(10)
                .and_then(|m| m.checked_add(u64::from(byte - b'0')))
            {
                Some(next) => mantissa = next,
                None => plain = false,
            },
            b'.' if point.is_none() => point = Some(at),
            b'.' => plain = false,
            _ => {
                end = at;
                break;
            }
        }
    }
    let rest = &text[end..];
    let number = &text[..end];
    let number = number.strip_suffix('.').unwrap_or(number);
    // A trailing point is not part of the number (`66.` is 66).
    let scale = point.map_or(0, |at| number.len().saturating_sub(at + 1));
    match u32::try_from(scale) {
        Ok(scale @ 0..=28) if plain => Some((
            Decimal::from_parts(mantissa as u32, (mantissa >> 32) as u32, 0, false, scale),
            rest,
        )),
        _ => Some((parse_decimal(number)?, rest)),
    }
}

/// Reads ASCII digits with at most one point, keeping the written scale (`5.00` has scale 2).
/// Numbers too long for a 64-bit mantissa go through `Decimal::from_str`.
pub(crate) fn parse_decimal(number: &str) -> Option<Decimal> {
    let mut mantissa: u64 = 0;
    let mut point = None;
    for (at, byte) in number.bytes().enumerate() {
        match byte {
            b'.' if point.is_none() => point = Some(at),
            b'0'..=b'9' => {
                let Some(next) = mantissa
                    .checked_mul(10)
                    .and_then(|m| m.checked_add(u64::from(byte - b'0')))
                else {
                    return Decimal::from_str(number).ok();
                };
                mantissa = next;
            }
            _ => return None,
        }
    }
    // The digits after the point.
    let scale = point.map_or(0, |at| number.len() - at - 1);
    let Ok(scale @ 0..=28) = u32::try_from(scale) else {
        return Decimal::from_str(number).ok();
    };
    // `from_parts` is a few moves; `from_i128_with_scale` checks a range a u64 is always in.
    Some(Decimal::from_parts(
        mantissa as u32,
        (mantissa >> 32) as u32,
        0,
        false,
        scale,
    ))
}

/// Reads what follows the number as a unit: `(天)`, `天`, `%`, or nothing.
/// Text with an operator or a second number in it is not a unit.
fn unit_of(rest: &str) -> Option<Unit> {
    let inner = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(rest);
    // The units forms print most hold neither digits nor operators: no need to look for them.
    if let Some(unit) = common_unit(inner) {
        return Some(Cow::Borrowed(unit));
    }
    if inner
        .chars()
        .any(|c| c.is_ascii_digit() || matches!(c, '(' | ')' | '=' | '≥' | '≤' | '<' | '>'))
    {
        return None;
    }
    Some(normalize_unit(inner))
}

/// A unit as read from a form: borrowed for the common ones, so reading them allocates nothing.
pub type Unit = Cow<'static, str>;

/// The units forms print most, as `'static` text. Most are one character, matched as a `char`
/// (a jump on its code) rather than compared as text one literal after another.
fn common_unit(unit: &str) -> Option<&'static str> {
    let mut chars = unit.chars();
    if let (Some(ch), None) = (chars.next(), chars.next()) {
        return common_unit_char(ch);
    }
    Some(match unit {
        "" => "",
        "人次" => "人次",
        "小时" => "小时",
        "分钟" => "分钟",
        "课时" => "课时",
        "万元" => "万元",
        "平方米" => "平方米",
        "公里" => "公里",
        "班次" => "班次",
        "层级" => "层级",
        _ => return None,
    })
}

fn common_unit_char(unit: char) -> Option<&'static str> {
    Some(match unit {
        '%' => "%",
        '人' => "人",
        '天' => "天",
        '个' => "个",
        '次' => "次",
        '份' => "份",
        '分' => "分",
        '件' => "件",
        '篇' => "篇",
        '场' => "场",
        '家' => "家",
        '张' => "张",
        '册' => "册",
        '期' => "期",
        '页' => "页",
        '名' => "名",
        '条' => "条",
        '部' => "部",
        '项' => "项",
        '处' => "处",
        '月' => "月",
        '年' => "年",
        '元' => "元",
        '户' => "户",
        '批' => "批",
        '字' => "字",
        '课' => "课",
        _ => return None,
    })
}

/// One spelling per unit, so that `百分比` and `%` compare equal.
pub fn normalize_unit(unit: &str) -> Unit {
    let unit = match unit {
        "百分比" | "百分率" => "%",
        other => other,
    };
    common_unit(unit).map_or_else(|| Cow::Owned(unit.to_owned()), Cow::Borrowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(text: &str) -> Option<(Op, String, String)> {
        parse_target(text).map(|t| (t.op, t.value.to_string(), t.unit.into_owned()))
    }

    fn some(op: Op, value: &str, unit: &str) -> Option<(Op, String, String)> {
        Some((op, value.to_owned(), unit.to_owned()))
    }

    #[test]
    fn reads_the_seed_spellings() {
        assert_eq!(target("≥120(天)"), some(Op::Ge, "120", "天"));
        assert_eq!(target("=5.00(个)"), some(Op::Eq, "5.00", "个"));
        assert_eq!(target("≤20(%)"), some(Op::Le, "20", "%"));
        assert_eq!(target(">4(次)"), some(Op::Gt, "4", "次"));
        assert_eq!(target("大于 90%"), some(Op::Gt, "90", "%"));
        assert_eq!(target("=100(百分比)"), some(Op::Eq, "100", "%"));
        assert_eq!(
            target("=49.00(人/次/天)"),
            some(Op::Eq, "49.00", "人/次/天")
        );
    }

    #[test]
    fn reads_full_width_and_word_forms() {
        assert_eq!(target("≧１２０（天）"), some(Op::Ge, "120", "天"));
        assert_eq!(target("＞＝90％"), some(Op::Ge, "90", "%"));
        assert_eq!(target("≦5"), some(Op::Le, "5", ""));
        assert_eq!(target("＜3次"), some(Op::Lt, "3", "次"));
        assert_eq!(target("═1(份)"), some(Op::Eq, "1", "份"));
        assert_eq!(target("<=20%"), some(Op::Le, "20", "%"));
        assert_eq!(target("不低于95%"), some(Op::Ge, "95", "%"));
        assert_eq!(target("不少于1,000份"), some(Op::Ge, "1000", "份"));
        assert_eq!(target("不超过20天"), some(Op::Le, "20", "天"));
        assert_eq!(target("大于等于 85 分"), some(Op::Ge, "85", "分"));
        assert_eq!(target("小于等于3"), some(Op::Le, "3", ""));
        assert_eq!(target("低于5%"), some(Op::Lt, "5", "%"));
        assert_eq!(target("≥100000(人次)"), some(Op::Ge, "100000", "人次"));
        assert_eq!(target("≥1，200（人）"), some(Op::Ge, "1200", "人"));
    }

    #[test]
    fn qualitative_targets_are_not_quantities() {
        for text in [
            "及时",
            "80%合格",
            "二季度完成",
            "10月底完成",
            "",
            "≥",
            "=(%)",
        ] {
            assert_eq!(parse_target(text), None, "{text}");
        }
    }

    #[test]
    fn reads_actuals() {
        let amount = parse_amount("120.00(天)").unwrap();
        assert_eq!(
            (amount.value.to_string(), &*amount.unit),
            ("120.00".into(), "天")
        );
        let amount = parse_amount("≥90%").unwrap();
        assert_eq!(
            (amount.value.to_string(), &*amount.unit),
            ("90".into(), "%")
        );
        let amount = parse_amount("２，０００人").unwrap();
        assert_eq!(
            (amount.value.to_string(), &*amount.unit),
            ("2000".into(), "人")
        );
        assert_eq!(parse_amount("达成指标"), None);
    }

    #[test]
    fn grades_in_both_spellings() {
        assert_eq!(Attainment::parse("达成指标"), Some(Attainment::Achieved));
        assert_eq!(
            Attainment::parse("达成年度指标"),
            Some(Attainment::Achieved)
        );
        assert_eq!(
            Attainment::parse("达成预期指标"),
            Some(Attainment::Achieved)
        );
        assert_eq!(
            Attainment::parse("部分达成年度指标并具有一定效果"),
            Some(Attainment::Partial)
        );
        assert_eq!(
            Attainment::parse("未达成指标且效果较差"),
            Some(Attainment::NotAchieved)
        );
        assert_eq!(Attainment::parse("良好"), None);
    }

    #[test]
    fn numbers_keep_their_scale_and_leave_the_rest() {
        fn split(text: &str) -> Option<(String, &str)> {
            split_number(text).map(|(value, rest)| (value.to_string(), rest))
        }
        assert_eq!(split("120.00(天)"), Some(("120.00".into(), "(天)")));
        assert_eq!(split("66."), Some(("66".into(), "")));
        assert_eq!(split("1.2.个"), Some(("1.2".into(), "个")));
        assert_eq!(split("1..2"), None);
        assert_eq!(split("1.2.3"), None);
        assert_eq!(split("0.0625%"), Some(("0.0625".into(), "%")));
        assert_eq!(
            split("12345678901234567890123.5份"),
            Some(("12345678901234567890123.5".into(), "份"))
        );
        assert_eq!(split(".5"), None);
        assert_eq!(split("天"), None);
    }

    #[test]
    fn every_operator_word_is_looked_up() {
        for (word, _) in OP_WORDS {
            let first = word.chars().next().unwrap();
            assert!(!starts_with_plain_word(word), "{word}");
            assert!(first.is_ascii() || !first.is_alphabetic() || begins_op_word(first));
        }
    }

    #[test]
    fn same_text_is_equality() {
        for len in 0..40 {
            let text: String = (0..len)
                .map(|at| char::from(b'a' + (at % 26) as u8))
                .collect();
            assert!(same_text(&text, &text.clone()));
            assert!(!same_text(&text, &format!("{text}x")));
            for at in 0..len {
                let mut other = text.clone().into_bytes();
                other[at] = b'Z';
                let other = String::from_utf8(other).unwrap();
                assert!(!same_text(&text, &other), "{len} {at}");
            }
        }
        assert!(same_text("满意度指标", "满意度指标"));
        assert!(!same_text("产出指标", "效益指标"));
    }

    /// The characters `fold` changes or drops (`,`, `>` and `<` only in some company).
    fn needs_folding(ch: char) -> bool {
        matches!(
            ch,
            '\u{FF01}'..='\u{FF5E}' | '═' | '≧' | '⩾' | '≦' | '⩽' | ',' | '>' | '<'
        ) || is_space(ch)
    }

    #[test]
    fn folding_is_needed_where_a_character_folds() {
        for ch in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = format!("a{ch}b");
            assert_eq!(
                any_needs_folding(&text),
                needs_folding(ch),
                "U+{:04X}",
                ch as u32
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        #[test]
        fn the_plain_reading_is_the_folded_one(
            text in "[=><≥≤＞大于 ]{0,2}[0-9.,０]{0,5}[0-9]{0,22}[(（]?(天|%|人次|个|百分比|x|1)?[)）]?",
        ) {
            if read_plain(&text).is_some() {
                proptest::prop_assert_eq!(parse_target(&text), target_by_folding(&text));
                proptest::prop_assert_eq!(parse_amount(&text), amount_by_folding(&text));
            }
        }
    }

    #[test]
    fn words_are_found_in_form_text() {
        const RATE: Word = Word::new("执行率");
        assert_eq!(RATE.find("预算执行率"), Some(6));
        assert_eq!(RATE.find("执行率"), Some(0));
        assert_eq!(RATE.find("执行"), None);
        assert_eq!(RATE.find("资金执行进度"), None);
        assert!(Word::new("a").is_in("满a"));
        assert!(!Word::new("满意度").is_in(""));
    }

    #[test]
    fn white_space_is_unicode_white_space() {
        for ch in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_space(ch), ch.is_whitespace(), "U+{:04X}", ch as u32);
            let text = format!("{ch}x");
            assert_eq!(is_blank(&text[..ch.len_utf8()]), ch.is_whitespace());
        }
        assert!(is_blank(""));
        assert!(!is_blank(" \u{3000}实际"));
    }

    #[test]
    fn a_grade_actual_makes_the_indicator_qualitative() {
        assert_eq!(
            read("大于90%", "达成指标"),
            Reading::Qualitative(Attainment::Achieved)
        );
        assert!(matches!(read("≥90%", "95%"), Reading::Quantitative { .. }));
        assert_eq!(read("及时", "按时"), Reading::Unknown);
    }
}
