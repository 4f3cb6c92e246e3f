//! Any document jixiao reads, by its content: canonical JSON, a text layout, a workbook, a Word
//! document, a web page or a PDF.
//!
//! The format is told from the bytes, not the file name: a name may lie, and standard input has
//! none. The CLI and the server both read documents through here.

use jixiao_core::json;

use crate::{Import, ImportError, text};

/// A document format jixiao can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Canonical form JSON (`form-json.md`): one form or an array.
    Json,
    /// The published text layout (tab-separated cells, one table row per line).
    Text,
    /// A spreadsheet: XLSX, XLS or ODS.
    Workbook,
    /// A Word document (DOCX).
    Docx,
    /// A web page (HTML).
    Html,
    /// A PDF document.
    Pdf,
}

impl Format {
    /// The format's name for people.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Text => "文本版式",
            Format::Workbook => "Excel工作簿",
            Format::Docx => "Word文档",
            Format::Html => "网页",
            Format::Pdf => "PDF文档",
        }
    }
}

/// Tells the format from the first bytes of a document (a few kilobytes are enough).
pub fn detect(head: &[u8]) -> Option<Format> {
    if crate::workbook::looks_like_workbook(head) {
        return Some(Format::Workbook);
    }
    if crate::docx::looks_like_docx(head) {
        return Some(Format::Docx);
    }
    if crate::pdf::looks_like_pdf(head) {
        return Some(Format::Pdf);
    }
    if crate::html::looks_like_html(head) {
        return Some(Format::Html);
    }
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let first = head.iter().find(|byte| !byte.is_ascii_whitespace())?;
    if matches!(first, b'{' | b'[') {
        return Some(Format::Json);
    }
    let decoded = text::decode(head);
    text::looks_like_text_layout(&decoded.text).then_some(Format::Text)
}

/// Reads a whole document of any known format. An unknown format is one error at line 1.
pub fn read_document(bytes: &[u8]) -> Import {
    match detect(bytes) {
        Some(Format::Json) => read_json(bytes),
        Some(Format::Text) => crate::read_bytes(bytes),
        Some(Format::Workbook) => crate::workbook::read_workbook(bytes),
        Some(Format::Docx) => crate::docx::read_docx(bytes),
        Some(Format::Html) => crate::html::read_html(bytes),
        Some(Format::Pdf) => crate::pdf::read_pdf(bytes),
        None => Import {
            errors: vec![ImportError {
                file: None,
                part: None,
                line: 1,
                found: first_line(bytes),
                expected: "规范JSON、Excel工作簿、Word文档、网页、PDF或自评表文本版式（含“财政项目支出绩效自评表”或“项目名称”）"
                    .to_owned(),
                form: None,
            }],
            ..Import::default()
        },
    }
}

/// Reads canonical JSON; a document that does not parse is one error that names the JSON path.
pub fn read_json(bytes: &[u8]) -> Import {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let line = 1 + bytes
                .iter()
                .take(err.valid_up_to())
                .filter(|b| **b == b'\n')
                .count();
            return Import {
                errors: vec![ImportError {
                    file: None,
                    part: None,
                    line,
                    found: "非UTF-8字节".to_owned(),
                    expected: "UTF-8编码的JSON".to_owned(),
                    form: None,
                }],
                ..Import::default()
            };
        }
    };
    match json::forms_from_str(text) {
        Ok(forms) => Import {
            forms,
            ..Import::default()
        },
        Err(err) => Import {
            errors: vec![ImportError {
                file: None,
                part: None,
                line: err.line,
                found: format!("{}（位置 {}）", err.message, err.path),
                expected: "符合规范的自评表JSON（见 docs/spec/form-json.md）".to_owned(),
                form: None,
            }],
            ..Import::default()
        },
    }
}

fn first_line(bytes: &[u8]) -> String {
    let decoded = text::decode(bytes.get(..bytes.len().min(400)).unwrap_or(bytes));
    let line: String = decoded
        .text
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(40)
        .collect();
    if line.trim().is_empty() {
        "空文件".to_owned()
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_formats_by_content() {
        assert_eq!(detect(b"  [ {"), Some(Format::Json));
        assert_eq!(detect(b"\xef\xbb\xbf{\"year\": 2024"), Some(Format::Json));
        let seed = include_str!("../../../examples/2024-shanghai-cgj-selfeval.txt");
        assert_eq!(detect(seed.as_bytes()), Some(Format::Text));
        assert_eq!(detect(b"hello"), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn json_errors_name_the_path_and_line() {
        let import = read_document(b"[\n{\"year\": \"x\"}]");
        let error = &import.errors[0];
        assert_eq!(error.line, 2);
        assert!(error.found.contains("[0].year"), "{error}");
        let import = read_document(b"PK\x03\x04 not a form");
        assert_eq!(import.errors.len(), 1);
        assert!(import.forms.is_empty());
    }
}
