//! The text layout importer: bytes of a tab-separated table extraction → the cell grid.
//!
//! Published self-evaluations are PDFs; a table extraction of them gives one table row per line
//! with tab-separated cells, which is the layout this module reads. Files come from many tools, so
//! the bytes may start with a byte-order mark, end lines with CRLF (or a lone CR), or be in GBK /
//! GB18030 rather than UTF-8. Decoding never fails: bytes that are not valid UTF-8 are decoded as
//! GB18030 (a superset of GBK and GB2312), and undecodable bytes become U+FFFD, reported by
//! [`Decoded::had_errors`].

use encoding_rs::Encoding;

use crate::ImportWarning;
use crate::cells::{Cell, Row, is_blank};

/// The encoding [`decode`] read the bytes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceEncoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// UTF-16 little-endian (only recognised by its byte-order mark).
    Utf16Le,
    /// UTF-16 big-endian (only recognised by its byte-order mark).
    Utf16Be,
    /// GB18030, which also reads GBK and GB2312.
    Gb18030,
}

/// Text decoded from bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// The encoding that was used.
    pub encoding: SourceEncoding,
    /// Whether some bytes could not be decoded and were replaced by U+FFFD.
    pub had_errors: bool,
}

/// Decodes a text layout: a byte-order mark decides, else valid UTF-8 is UTF-8, else GB18030.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or_default();
        let (text, had_errors) = encoding.decode_without_bom_handling(body);
        let source = if encoding == encoding_rs::UTF_16LE {
            SourceEncoding::Utf16Le
        } else if encoding == encoding_rs::UTF_16BE {
            SourceEncoding::Utf16Be
        } else {
            SourceEncoding::Utf8
        };
        return Decoded {
            text: text.into_owned(),
            encoding: source,
            had_errors,
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: text.to_owned(),
            encoding: SourceEncoding::Utf8,
            had_errors: false,
        },
        Err(_) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            Decoded {
                text: text.into_owned(),
                encoding: SourceEncoding::Gb18030,
                had_errors,
            }
        }
    }
}

/// The warning that some bytes could not be decoded ([`Decoded::had_errors`]) and were replaced
/// by U+FFFD; about the whole file, at line 1.
pub(crate) fn undecodable_bytes() -> ImportWarning {
    ImportWarning {
        file: None,
        part: None,
        line: 1,
        message: "文件中有无法解码的字节，已替换为“\u{fffd}”".to_owned(),
        form: None,
    }
}

/// Splits a text layout into rows: one per line (LF, CRLF or CR), cells separated by tabs.
///
/// Only cells that carry text are kept, with their 0-based column; a line of nothing but tabs
/// and spaces becomes a blank row. A trailing newline does not add a row. The cells borrow their
/// text from `text`.
pub fn grid(text: &str) -> Vec<Row<'_>> {
    let mut rows = Vec::new();
    each_row(text, |row| {
        // The row's cells move into a vector of the exact size (no regrowth, no spare room kept).
        let mut cells = Vec::with_capacity(row.cells.len());
        cells.append(&mut row.cells);
        rows.push(Row::new(row.line, cells));
    });
    rows
}

/// Gives `each` the rows of [`grid`] one at a time, in one row whose cells are cleared after
/// each line, so that a reader that needs no grid allocates nothing per row.
pub(crate) fn each_row<'a>(text: &'a str, mut each: impl FnMut(&mut Row<'a>)) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.is_empty() {
        return;
    }
    let text = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .or_else(|| text.strip_suffix('\r'))
        .unwrap_or(text);
    let mut row = Row::new(1, Vec::new());
    // One pass over the text finds tabs and line ends together. A line ends at LF, CRLF or a
    // lone CR (a classic Mac OS line end).
    let bytes = text.as_bytes();
    let mut column = 0;
    let mut start = 0;
    while let Some(at) = find_any(bytes, start, |byte| matches!(byte, b'\t' | b'\n' | b'\r')) {
        push_cell(text, start, at, column, &mut row.cells);
        start = at + 1;
        match bytes.get(at) {
            Some(b'\t') => column += 1,
            byte => {
                if byte == Some(&b'\r') && bytes.get(start) == Some(&b'\n') {
                    start += 1;
                }
                each(&mut row);
                row.cells.clear();
                row.line += 1;
                column = 0;
            }
        }
    }
    push_cell(text, start, text.len(), column, &mut row.cells);
    each(&mut row);
}

/// Adds `line[start..end]` at `column` to `cells` if it carries text.
fn push_cell<'a>(
    line: &'a str,
    start: usize,
    end: usize,
    column: usize,
    cells: &mut Vec<Cell<'a>>,
) {
    let text = line.get(start..end).unwrap_or_default();
    if !is_blank(text) {
        cells.push(Cell::new(column, text));
    }
}

/// One line of a text layout as a row: the cells that carry text, with their 0-based column.
pub fn row(line: usize, text: &str) -> Row<'_> {
    let mut cells = Vec::new();
    let mut column = 0;
    let mut start = 0;
    while let Some(at) = find_any(text.as_bytes(), start, |byte| byte == b'\t') {
        push_cell(text, start, at, column, &mut cells);
        start = at + 1;
        column += 1;
    }
    push_cell(text, start, text.len(), column, &mut cells);
    Row::new(line, cells)
}

/// The offset of the first byte in `bytes` that `wanted` accepts (a control byte, below 0x0E),
/// from `from` on. Cells are short, so a search call per cell must be cheap: words are tested
/// for any byte below 0x0E in one go, and the rare other control byte found is passed over.
fn find_any(bytes: &[u8], mut from: usize, wanted: impl Fn(u8) -> bool) -> Option<usize> {
    loop {
        let at = from + first_flagged(bytes.get(from..)?, |word| below(word, 0x0E))?;
        if bytes.get(at).is_some_and(|byte| wanted(*byte)) {
            return Some(at);
        }
        from = at + 1;
    }
}

const ONES: u64 = u64::from_le_bytes([0x01; 8]);

/// The high bit of each byte of `word` below `n` (at most 0x80). A byte below `n` can also flag
/// the bytes above it, never those below: the lowest flag is always right.
pub(crate) fn below(word: u64, n: u8) -> u64 {
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    word.wrapping_sub(ONES * u64::from(n)) & !word & HIGHS
}

/// The offset of the first byte of `bytes` that `flags` marks, eight bytes at a time. `flags`
/// sets the high bit of the bytes it looks for in a little-endian word, and may mark bytes
/// above those (as [`below`] does) but never below: its lowest mark is right.
pub(crate) fn first_flagged(bytes: &[u8], flags: impl Fn(u64) -> u64) -> Option<usize> {
    let lowest = |found: u64| found.trailing_zeros() as usize / 8;
    let len = bytes.len();
    // Half the cells are shorter than a word: they are tested as their first four bytes and
    // their last four (overlapping), or byte by byte (each byte filling a word) when shorter.
    let Some(last) = len.checked_sub(8) else {
        let Some(high) = len.checked_sub(4) else {
            return bytes
                .iter()
                .position(|byte| flags(ONES * u64::from(*byte)) != 0);
        };
        let half = |at: usize| {
            let half: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
            Some(u64::from(u32::from_le_bytes(half)))
        };
        let found = flags(half(0)? | half(high)? << 32);
        return (found != 0).then(|| match lowest(found) {
            at @ 0..4 => at,
            at => high + at - 4,
        });
    };
    let word = |at: usize| Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?));
    let mut offset = 0;
    while offset < last {
        let found = flags(word(offset)?);
        if found != 0 {
            return Some(offset + lowest(found));
        }
        offset += 8;
    }
    // The last eight bytes, overlapping the ones already tested: those hold no marked byte, so
    // no mark can fall on them.
    let found = flags(word(last)?);
    (found != 0).then(|| last + lowest(found))
}

/// Whether `text` looks like the text layout of a self-evaluation, judged by its content: it
/// holds the form title `财政项目支出绩效自评表`, or a `项目名称` label and tab-separated cells.
///
/// Spaces that an extraction put inside the words are ignored.
pub fn looks_like_text_layout(text: &str) -> bool {
    let squeezed: String = text
        .chars()
        .filter(|ch| *ch == '\t' || !ch.is_whitespace())
        .collect();
    squeezed.contains(crate::form_reader::TITLE)
        || (squeezed.contains("项目名称") && squeezed.contains('\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_control_bytes_stay_in_their_cells() {
        for text in [
            "a\u{b}b\tc\u{c}",
            "甲乙丙\u{1}丁戊\t己\r\n\t庚",
            "\u{b}\t\u{5}x\ry\nz",
        ] {
            let mut rows = Vec::new();
            each_row(text, |row| rows.push(row.clone()));
            let expected: Vec<Row> = text
                .split("\r\n")
                .flat_map(|line| line.split(['\r', '\n']))
                .enumerate()
                .map(|(index, line)| {
                    let cells = line
                        .split('\t')
                        .enumerate()
                        .filter(|(_, cell)| !is_blank(cell))
                        .map(|(column, cell)| Cell::new(column, cell))
                        .collect();
                    Row::new(index + 1, cells)
                })
                .collect();
            assert_eq!(rows, expected, "{text:?}");
            let line = text.split(['\r', '\n']).next().unwrap_or_default();
            assert_eq!(row(1, line), expected.first().cloned().unwrap_or_default());
        }
    }
}
