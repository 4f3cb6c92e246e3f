//! The text layout importer: bytes of a tab-separated table extraction → the cell grid.
//!
//! Published self-evaluations are PDFs; a table extraction of them gives one table row per line
//! with tab-separated cells, which is the layout this module reads. Files come from many tools, so
//! the bytes may start with a byte-order mark, end lines with CRLF (or a lone CR), or be in GBK /
//! GB18030 rather than UTF-8. Decoding never fails: bytes that are not valid UTF-8 are decoded as
//! GB18030 (a superset of GBK and GB2312), and undecodable bytes become U+FFFD, reported by
//! [`Decoded::had_errors`].

use encoding_rs::Encoding;

use crate::cells::{Cell, Row};

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

/// Splits a text layout into rows: one per line (LF, CRLF or CR), cells separated by tabs.
///
/// Only cells that carry text are kept, with their 0-based column; a line of nothing but tabs
/// and spaces becomes a blank row. A trailing newline does not add a row.
pub fn grid(text: &str) -> Vec<Row> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    let text = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .or_else(|| text.strip_suffix('\r'))
        .unwrap_or(text);
    let mut rows = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        // A CR left inside a line is a classic Mac OS line end: it starts a line too.
        for part in line.split('\r') {
            rows.push(row(rows.len() + 1, part));
        }
    }
    rows
}

/// One line of a text layout as a row: the cells that carry text, with their 0-based column.
pub fn row(line: usize, text: &str) -> Row {
    let cells = text
        .split('\t')
        .enumerate()
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(column, text)| Cell::new(column, text))
        .collect();
    Row::new(line, cells)
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
