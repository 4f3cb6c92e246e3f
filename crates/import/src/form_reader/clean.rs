//! Cell text as the canonical JSON wants it: extraction spaces removed, `<p>` markup turned into
//! paragraphs, and numbers parsed at the scale they were printed with.
//!
//! The rules are those of the golden transcription (`CONVENTIONS.md`): every whitespace character
//! inside a text value goes, except one space between two ASCII letters or digits (`city walk`);
//! every other character is kept as printed (no `,`→`，`). Only numbers are folded: full-width
//! digits, points and brackets read as their ASCII forms there.

use std::str::FromStr;

use rust_decimal::Decimal;

/// Removes the spaces a PDF extraction puts inside words.
///
/// `产出 指标` → `产出指标`, `实际完成 11 小时。` → `实际完成11小时。`, but `city walk` keeps its
/// space, because it sits between two ASCII letters.
pub(crate) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut saw_space = false;
    for ch in text.chars() {
        if ch.is_whitespace() || ch == '\u{feff}' {
            saw_space = true;
            continue;
        }
        if saw_space {
            let after_alnum = out
                .chars()
                .next_back()
                .is_some_and(|p| p.is_ascii_alphanumeric());
            if after_alnum && ch.is_ascii_alphanumeric() {
                out.push(' ');
            }
            saw_space = false;
        }
        out.push(ch);
    }
    out
}

/// Folds full-width digits, point, sign, percent, comma, colon and brackets to ASCII.
pub(crate) fn fold(text: &str) -> String {
    text.chars()
        .map(|ch| match ch {
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
        })
        .collect()
}

/// A label's comparison key: cleaned, folded, without a trailing colon or a leading `其中:`.
pub(crate) fn key(text: &str) -> String {
    let folded = fold(&clean(text));
    let trimmed = folded.trim_end_matches(':');
    let trimmed = trimmed.strip_prefix("其中").unwrap_or(trimmed);
    trimmed.trim_start_matches(':').to_owned()
}

/// A plain number cell (`10.00`, `１０．００`, `-3`), at its printed scale.
pub(crate) fn number(text: &str) -> Option<Decimal> {
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
    let cleaned = clean(text);
    if cleaned.is_empty() || is_dash(&cleaned) {
        return Amount::Blank;
    }
    let folded: String = fold(&cleaned).chars().filter(|ch| *ch != ',').collect();
    let digits = folded.strip_suffix('%').unwrap_or(&folded);
    match parse_decimal(digits) {
        Some(value) => Amount::Number(value),
        None => Amount::Unreadable(cleaned),
    }
}

/// Whether a cell is a dash meaning "nothing here": `-`, `—`, `——`, `/` and their variants.
pub(crate) fn is_dash(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|ch| matches!(ch, '-' | '—' | '–' | '―' | '‐' | '－' | '−' | '/' | '／'))
}

fn parse_decimal(text: &str) -> Option<Decimal> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(body) => (true, body),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (integer, fraction) = match body.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (body, None),
    };
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(integer) || !fraction.is_none_or(all_digits) {
        return None;
    }
    let value = Decimal::from_str(body).ok()?;
    Some(if negative { -value } else { value })
}

/// Splits goal text into paragraphs: `<p>`, `</p>` and `<br>` markup separate them, each is
/// cleaned, and empty ones are dropped.
pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    let mut rest = text;
    while let Some(ch) = rest.chars().next() {
        if ch == '<'
            && let Some(len) = markup_len(rest)
        {
            paragraphs.push(std::mem::take(&mut current));
            rest = rest.get(len..).unwrap_or_default();
            continue;
        }
        current.push(ch);
        rest = rest.get(ch.len_utf8()..).unwrap_or_default();
    }
    paragraphs.push(current);
    paragraphs
        .iter()
        .map(|paragraph| clean(paragraph))
        .filter(|paragraph| !paragraph.is_empty())
        .collect()
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

/// Shortens a text for an error message.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(MAX).collect();
    short.push('…');
    short
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
    }

    #[test]
    fn paragraphs_split_on_markup_only() {
        assert_eq!(paragraphs("<p>甲。</p> <p>乙</p>"), vec!["甲。", "乙"]);
        assert_eq!(
            paragraphs("<5(次) 与 <P class=x>丙"),
            vec!["<5(次)与", "丙"]
        );
        assert!(paragraphs("<p></p>").is_empty());
    }
}
