//! Cell text as the canonical JSON wants it: extraction spaces removed, `<p>` markup turned into
//! paragraphs, and numbers parsed at the scale they were printed with.
//!
//! The rules are those of the golden transcription (`CONVENTIONS.md`): every whitespace character
//! inside a text value goes, except one space between two ASCII letters or digits (`city walk`);
//! every other character is kept as printed (no `,`→`，`). Only numbers are folded: full-width
//! digits, points and brackets read as their ASCII forms there.

use std::borrow::Cow;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::cells::{Cell, Row};
use crate::text::{below, first_flagged};

/// The offset of the first byte that may start a character that [`clean`] removes or [`fold`]
/// changes: ASCII whitespace, or the lead byte of U+0085 and U+00A0 (C2), U+1680 (E1),
/// U+2000–U+205F and U+2212 (E2), U+3000 (E3), U+FEFF and the full-width forms (EF). Testing
/// bytes spares decoding every character of the (mostly CJK) text, whose lead bytes are E4–E9.
fn find_special(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    // Bytes up to 0x20 (a superset of ASCII whitespace), E0–E3 (E0 is a harmless extra), C2
    // and EF. Most words of CJK text hold none of them.
    first_flagged(bytes, |word| {
        below(word, 0x21)
            | below(word ^ (ONES * 0xE0), 4)
            | below(word ^ (ONES * 0xC2), 1)
            | below(word ^ (ONES * 0xEF), 1)
    })
}

/// The offsets of the bytes of `text` that may start a special character, in order.
fn specials(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + find_special(bytes.get(from..)?)?;
        from = at + 1;
        Some(at)
    })
}

/// The byte length of a character that [`clean`] removes at the start of `bytes`, if one is
/// there: whitespace (what `char::is_whitespace` says) or U+FEFF, told from the bytes, as CJK
/// punctuation shares its lead bytes with the spaces and is much more common in goal text.
fn space_len(bytes: &[u8]) -> Option<usize> {
    match bytes {
        [b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ', ..] => Some(1),
        [0xC2, 0x85 | 0xA0, ..] => Some(2),
        [0xE1, 0x9A, 0x80, ..]
        | [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..]
        | [0xE2, 0x81, 0x9F, ..]
        | [0xE3, 0x80, 0x80, ..]
        | [0xEF, 0xBB, 0xBF, ..] => Some(3),
        _ => None,
    }
}

/// Whether `bytes` start with a character that [`fold`] changes (see [`fold_char`]): U+2212 or
/// a full-width `＋，－．／`, digit or `：` (U+FF0B–U+FF1A), `％`, `（` or `）`.
fn starts_with_fold(bytes: &[u8]) -> bool {
    matches!(
        bytes,
        [0xEF, 0xBC, 0x85 | 0x88 | 0x89 | 0x8B..=0x9A, ..] | [0xE2, 0x88, 0x92, ..]
    )
}

/// Removes the spaces a PDF extraction puts inside words.
///
/// `产出 指标` → `产出指标`, `实际完成 11 小时。` → `实际完成11小时。`, but `city walk` keeps its
/// space, because it sits between two ASCII letters.
pub(crate) fn clean(text: &str) -> Cow<'_, str> {
    // Most cells hold no space at all: they are borrowed, not copied.
    match clean_and_folds(text, 0).0 {
        None => Cow::Borrowed(text),
        Some(cleaned) => Cow::Owned(cleaned),
    }
}

/// [`clean`] and [`fold`] in one pass over the special characters of `text` (from byte `from`
/// on, none being before it): the cleaned text, if cleaning changes it, and whether folding
/// changes the cleaned text. The words between runs of spaces are copied whole.
fn clean_and_folds(text: &str, mut from: usize) -> (Option<String>, bool) {
    let bytes = text.as_bytes();
    let mut cleaned: Option<String> = None;
    let mut folds = false;
    // `text[copied..]` is not in `cleaned` yet; special bytes are searched from `from` on.
    let mut copied = 0;
    while let Some(at) = bytes
        .get(from..)
        .and_then(find_special)
        .map(|found| from + found)
    {
        let rest = bytes.get(at..).unwrap_or_default();
        let Some(len) = space_len(rest) else {
            // Folding never changes a space, so the cleaned text folds where the text does.
            folds |= starts_with_fold(rest);
            from = at + 1;
            continue;
        };
        let mut end = at + len;
        while let Some(len) = space_len(bytes.get(end..).unwrap_or_default()) {
            end += len;
        }
        let out = cleaned.get_or_insert_with(|| String::with_capacity(text.len()));
        out.push_str(text.get(copied..at).unwrap_or_default());
        if out.as_bytes().last().is_some_and(u8::is_ascii_alphanumeric)
            && bytes.get(end).is_some_and(u8::is_ascii_alphanumeric)
        {
            out.push(' ');
        }
        copied = end;
        from = end;
    }
    if let Some(out) = &mut cleaned {
        out.push_str(text.get(copied..).unwrap_or_default());
    }
    (cleaned, folds)
}

/// The ASCII form of a full-width digit, point, sign, percent, comma, colon or bracket.
fn fold_char(ch: char) -> char {
    match ch {
        '０'..='９' => char::from_u32(u32::from(ch) - 0xFF10 + u32::from('0')).unwrap_or(ch),
        '．' => '.',
        '（' => '(',
        '）' => ')',
        '－' | '−' => '-',
        '＋' => '+',
        '％' => '%',
        '，' => ',',
        '：' => ':',
        '／' => '/',
        _ => ch,
    }
}

/// Folds full-width digits, point, sign, percent, comma, colon and brackets to ASCII.
pub(crate) fn fold(text: &str) -> Cow<'_, str> {
    // Most cells have nothing to fold and are borrowed; the others are copied a run of
    // unchanged text at a time.
    let mut out = None;
    let mut copied = 0;
    for at in specials(text) {
        if !starts_with_fold(text.as_bytes().get(at..).unwrap_or_default()) {
            continue;
        }
        // Special bytes are ASCII or lead bytes: `at` is a character boundary.
        let Some(ch) = text.get(at..).and_then(|rest| rest.chars().next()) else {
            continue;
        };
        let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
        out.push_str(text.get(copied..at).unwrap_or_default());
        out.push(fold_char(ch));
        copied = at + ch.len_utf8();
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(text.get(copied..).unwrap_or_default());
            Cow::Owned(out)
        }
    }
}

/// [`fold`] of a text that may already be owned.
pub(crate) fn fold_cow(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(text) => fold(text),
        Cow::Owned(text) => match fold(&text) {
            Cow::Borrowed(_) => Cow::Owned(text),
            Cow::Owned(folded) => Cow::Owned(folded),
        },
    }
}

/// The byte range of a label's comparison key in a cleaned and folded text: without a trailing
/// colon or a leading `其中:`.
fn key_bounds(folded: &str) -> (usize, usize) {
    // Colons are ASCII: bytes are trimmed, and the offsets stay character boundaries.
    let bytes = folded.as_bytes();
    let end = bytes
        .iter()
        .rposition(|byte| *byte != b':')
        .map_or(0, |last| last + 1);
    let body = bytes.get(..end).unwrap_or_default();
    let start = body
        .strip_prefix("其中".as_bytes())
        .map_or(0, |_| "其中".len());
    let colons = body
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|byte| **byte == b':')
        .count();
    (start + colons, end)
}

/// Whether `text` holds `word`. Keys and labels are short, and a search with the standard
/// library's two-way searcher costs more to set up than this scan does to run. So does memchr's
/// searcher (some 3,000 instructions, the cost of scanning about 600 bytes here), which only
/// pays for long texts. Header rows ask it many times per cell: it is inlined.
#[inline]
pub(crate) fn has(text: &str, word: &str) -> bool {
    let (text, word) = (text.as_bytes(), word.as_bytes());
    if text.len() > 512 {
        return has_long(text, word);
    }
    // The last byte of a CJK word is a continuation byte, rarer than its lead byte.
    let Some(last) = word.last() else {
        return true;
    };
    text.windows(word.len())
        .any(|window| window.last() == Some(last) && window == word)
}

/// [`has`] for a long text.
#[inline(never)]
fn has_long(text: &[u8], word: &[u8]) -> bool {
    memchr::memmem::find(text, word).is_some()
}

/// A non-empty cell of a row with its text cleaned and folded once, for all the rules that
/// classify the row (each used to clean and fold every cell again).
#[derive(Debug, Clone)]
pub(crate) struct CellText<'r> {
    /// 0-based column of the cell in its row.
    pub(crate) column: usize,
    /// The text as printed.
    pub(crate) raw: &'r str,
    /// The text [`clean`]ed.
    pub(crate) clean: Cow<'r, str>,
    /// The cleaned text [`fold`]ed, when folding changed it.
    folded: Option<String>,
    /// Where [`CellText::key`] lies in the folded text: every row asks for it several times.
    key: (usize, usize),
}

impl<'r> CellText<'r> {
    pub(crate) fn new(cell: &'r Cell<'_>) -> CellText<'r> {
        let raw: &str = &cell.text;
        // Most cells hold no special character: neither cleaning nor folding changes them.
        let Some(first) = find_special(raw.as_bytes()) else {
            return CellText::with(cell.column, raw, Cow::Borrowed(raw), None);
        };
        // One scan tells what cleaning and folding would change.
        let (cleaned, folds) = clean_and_folds(raw, first);
        let clean = cleaned.map_or(Cow::Borrowed(raw), Cow::Owned);
        let folded = folds.then(|| fold(&clean).into_owned());
        CellText::with(cell.column, raw, clean, folded)
    }

    fn with(
        column: usize,
        raw: &'r str,
        clean: Cow<'r, str>,
        folded: Option<String>,
    ) -> CellText<'r> {
        let key = key_bounds(folded.as_deref().unwrap_or(&clean));
        CellText {
            column,
            raw,
            clean,
            folded,
            key,
        }
    }

    /// The text cleaned and folded.
    pub(crate) fn folded(&self) -> &str {
        self.folded.as_deref().unwrap_or(&self.clean)
    }

    /// The text as a label's comparison key: cleaned, folded, without a trailing colon or a
    /// leading `其中:`.
    pub(crate) fn key(&self) -> &str {
        let (start, end) = self.key;
        self.folded().get(start..end).unwrap_or_default()
    }

    /// Whether [`CellText::key`] is `word`. Header tests ask it of every cell of many rows, and
    /// most keys differ in length: that is told before the key is sliced.
    pub(crate) fn key_is(&self, word: &str) -> bool {
        let (start, end) = self.key;
        end.saturating_sub(start) == word.len() && self.key() == word
    }

    /// Whether [`CellText::key`] starts with `word` (see [`CellText::key_is`]).
    pub(crate) fn key_starts_with(&self, word: &str) -> bool {
        let (start, end) = self.key;
        end.saturating_sub(start) >= word.len() && self.key().starts_with(word)
    }
}

/// The non-empty cells of a row, read once.
pub(crate) fn texts<'r>(row: &'r Row) -> Vec<CellText<'r>> {
    let mut texts = Vec::with_capacity(row.cells.len());
    texts.extend(row.non_empty().map(CellText::new));
    texts
}

/// A plain number cell (`10.00`, `１０．００`, `-3`), at its printed scale.
pub(crate) fn number(text: &str) -> Option<Decimal> {
    // The common cell is a plain ASCII number, read in one pass, or text that cannot start one:
    // neither needs the folded copy.
    if let Some(value) = parse_decimal(text) {
        return Some(value);
    }
    // A CJK ideograph (lead byte E4–E9) is no digit, point, sign or space.
    if text
        .as_bytes()
        .first()
        .is_some_and(|byte| (0xE4..=0xE9).contains(byte))
    {
        return None;
    }
    // Text with a character that is no (full-width) digit, point, sign or space is no number.
    if !text
        .chars()
        .all(|ch| matches!(fold_char(ch), '0'..='9' | '.' | '-' | '+') || ch.is_whitespace())
    {
        return None;
    }
    let folded: String = fold(text)
        .chars()
        .filter(|ch| !ch.is_whitespace())
        .collect();
    parse_decimal(&folded)
}

/// What an amount or rate cell of the funds table holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Amount {
    /// Empty, or a dash (`-`, `—`, `/`) that the form prints for "not applicable".
    Blank,
    /// A number, at its printed scale (a `%` sign and thousands separators are ignored).
    Number(Decimal),
    /// Text that is not a number.
    Unreadable(String),
}

/// Reads an amount or rate cell of the funds table.
pub(crate) fn amount(text: &str) -> Amount {
    // A plain ASCII number is read as it is, and a dash is blank (it holds no space to clean),
    // without the folded copy.
    if let Some(value) = parse_decimal(text) {
        return Amount::Number(value);
    }
    if is_dash(text) {
        return Amount::Blank;
    }
    if !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+'))
    {
        return Amount::Unreadable(text.to_owned());
    }
    let cleaned = clean(text);
    if cleaned.is_empty() || is_dash(&cleaned) {
        return Amount::Blank;
    }
    let folded: String = fold(&cleaned).chars().filter(|ch| *ch != ',').collect();
    let digits = folded.strip_suffix('%').unwrap_or(&folded);
    match parse_decimal(digits) {
        Some(value) => Amount::Number(value),
        None => Amount::Unreadable(cleaned.into_owned()),
    }
}

/// Whether a cell is a dash meaning "nothing here": `-`, `—`, `——`, `/` and their variants.
pub(crate) fn is_dash(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|ch| matches!(ch, '-' | '—' | '–' | '―' | '‐' | '－' | '−' | '/' | '／'))
}

/// `[+-]digits[.digits]`, at its printed scale. One pass over the bytes: amounts and scores are
/// short, and the general parser of `Decimal::from_str` is only needed past 18 digits.
fn parse_decimal(text: &str) -> Option<Decimal> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(body) => (true, body),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let mut mantissa = 0i64;
    let mut digits = 0usize;
    // The number of digits before the point, once it is seen.
    let mut point = None;
    for byte in body.bytes() {
        match byte {
            b'0'..=b'9' => {
                mantissa = mantissa
                    .wrapping_mul(10)
                    .wrapping_add(i64::from(byte - b'0'));
                digits += 1;
            }
            b'.' if point.is_none() => point = Some(digits),
            _ => return None,
        }
    }
    let integer = point.unwrap_or(digits);
    let scale = digits - integer;
    // Both sides of a point need digits (`66.` and `.5` are no numbers).
    if integer == 0 || (point.is_some() && scale == 0) {
        return None;
    }
    let value = if digits <= 18 {
        Decimal::try_new(mantissa, u32::try_from(scale).ok()?).ok()?
    } else {
        Decimal::from_str(body).ok()?
    };
    Some(if negative { -value } else { value })
}

/// Splits goal text into paragraphs: `<p>`, `</p>` and `<br>` markup separate them, and so does
/// a line break inside a cell (a workbook's Alt+Enter; a text layout's cells have none). Each is
/// cleaned, and empty ones are dropped.
pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut push = |paragraph: &str| {
        let paragraph = clean(paragraph);
        if !paragraph.is_empty() {
            paragraphs.push(paragraph.into_owned());
        }
    };
    // A paragraph runs from the end of one tag to the start of the next; a `<` that starts no
    // tag is text. Both bytes are ASCII, so every offset found is a character boundary.
    let mut start = 0;
    let mut from = 0;
    while let Some(at) = text
        .as_bytes()
        .get(from..)
        .and_then(|rest| memchr::memchr2(b'<', b'\n', rest))
        .map(|offset| from + offset)
    {
        if text.as_bytes().get(at) == Some(&b'\n') {
            push(text.get(start..at).unwrap_or_default());
            start = at + 1;
            from = start;
            continue;
        }
        match text.get(at..).and_then(markup_len) {
            Some(len) => {
                push(text.get(start..at).unwrap_or_default());
                start = at + len;
                from = start;
            }
            None => from = at + 1,
        }
    }
    push(text.get(start..).unwrap_or_default());
    paragraphs
}

/// Whether a text holds markup or a line break, which [`paragraphs`] splits on; a text without
/// either is one paragraph, its [`clean`]ed self.
pub(crate) fn has_breaks(text: &str) -> bool {
    memchr::memchr2(b'<', b'\n', text.as_bytes()).is_some()
}

/// The byte length of a `<p>`, `</p>`, `<p …>`, `<br>` or `<br/>` tag at the start of `text`.
fn markup_len(text: &str) -> Option<usize> {
    // Look no further than a tag can be long: searching the whole rest for `>` would make a
    // cell full of `<` quadratic.
    let end = text.bytes().take(65).position(|byte| byte == b'>')?;
    let inner = text.get(1..end)?.trim();
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let inner = inner.strip_suffix('/').unwrap_or(inner).trim();
    let name = inner.split_whitespace().next().unwrap_or_default();
    (name.eq_ignore_ascii_case("p") || name.eq_ignore_ascii_case("br")).then_some(end + 1)
}

/// Whether a text ends a sentence (`。`, `！`, `；`, `.` …, possibly followed by a closing quote
/// or bracket). A goal that does not was cut by a page break and continues on the next row.
pub(crate) fn ends_sentence(text: &str) -> bool {
    let trimmed = text.trim_end_matches(['”', '’', '"', '\'', ')', '）', '」', '』', '】', '》']);
    trimmed.ends_with(['。', '！', '？', '；', '.', '!', '?', ';', '…'])
}

/// The most characters [`shorten`] keeps.
const SHORT: usize = 40;

/// Shortens a text for an error message.
pub(crate) fn shorten(text: &str) -> String {
    if text.chars().count() <= SHORT {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(SHORT).collect();
    short.push('…');
    short
}

/// [`shorten`] of a text already owned, without a copy.
pub(crate) fn shorten_owned(mut text: String) -> String {
    if let Some((cut, _)) = text.char_indices().nth(SHORT) {
        text.truncate(cut);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_keeps_only_spaces_between_ascii_alphanumerics() {
        assert_eq!(clean(" 产出 指标 "), "产出指标");
        assert_eq!(clean("2024 年度"), "2024年度");
        assert_eq!(clean("评选, 在进行"), "评选,在进行");
        assert_eq!(clean("“city  walk”展演"), "“city walk”展演");
        assert_eq!(clean("1 月-2024 年"), "1月-2024年");
    }

    #[test]
    fn spaces_are_told_from_their_bytes() {
        let mut buffer = [0; 4];
        for ch in char::MIN..=char::MAX {
            let bytes = ch.encode_utf8(&mut buffer).as_bytes();
            let is_space = ch.is_whitespace() || ch == '\u{feff}';
            assert_eq!(space_len(bytes), is_space.then_some(bytes.len()), "{ch:?}");
            assert_eq!(starts_with_fold(bytes), fold_char(ch) != ch, "{ch:?}");
        }
        assert_eq!(fold("（１０，５）：甲"), "(10,5):甲");
    }

    #[test]
    fn special_bytes_are_found_at_every_length_and_offset() {
        // What find_special looks for, and the few harmless extras it finds.
        let special = |byte: u8| byte <= 0x20 || matches!(byte, 0xC2 | 0xE0..=0xE3 | 0xEF);
        for len in 0..40 {
            for at in 0..=len {
                for (byte, other) in [(b' ', 0xE4), (0xE3, b'a'), (0xEF, 0xFF), (0x01, 0x21)] {
                    let mut bytes = vec![other; len];
                    if let Some(slot) = bytes.get_mut(at) {
                        *slot = byte;
                    }
                    // A second special byte further on must not hide the first.
                    if let Some(slot) = bytes.get_mut(at + 3) {
                        *slot = b'\t';
                    }
                    let expected = bytes.iter().position(|byte| special(*byte));
                    assert_eq!(find_special(&bytes), expected, "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn owned_texts_are_shortened_alike() {
        for len in [0, 39, 40, 41, 100] {
            let text = "甲".repeat(len);
            assert_eq!(shorten_owned(text.clone()), shorten(&text), "{len}");
        }
    }

    #[test]
    fn numbers_keep_their_scale() {
        assert_eq!(number("40.00").map(|d| d.to_string()), Some("40.00".into()));
        assert_eq!(
            number("４０．００").map(|d| d.to_string()),
            Some("40.00".into())
        );
        assert_eq!(number("100.00(%)"), None);
        assert_eq!(number("66."), None);
        assert_eq!(number("-"), None);
        assert_eq!(amount("—"), Amount::Blank);
        assert_eq!(amount("1,234.50"), Amount::Number(Decimal::new(123450, 2)));
        for text in [
            "0",
            "007",
            "10.00",
            "0.000",
            "123456789012345678",
            "1.23456789012345678",
            "1234567890123456789.5",
            "-2.50",
        ] {
            let fast = parse_decimal(text);
            let slow = Decimal::from_str(text).ok();
            assert_eq!(fast, slow);
            assert_eq!(fast.map(|d| d.to_string()), slow.map(|d| d.to_string()));
        }
        for text in ["", "-", ".5", "5.", "1.2.3", "1e5", "+-1"] {
            assert_eq!(parse_decimal(text), None, "{text}");
        }
    }

    #[test]
    fn paragraphs_split_on_markup_and_line_breaks() {
        assert_eq!(paragraphs("<p>甲。</p> <p>乙</p>"), vec!["甲。", "乙"]);
        assert_eq!(
            paragraphs("<5(次) 与 <P class=x>丙"),
            vec!["<5(次)与", "丙"]
        );
        assert!(paragraphs("<p></p>").is_empty());
        assert_eq!(paragraphs("甲。\r\n乙\n\n"), vec!["甲。", "乙"]);
    }
}
