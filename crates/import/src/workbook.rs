//! Spreadsheets (XLSX, XLS, ODS) → the cell grid, every sheet in order, row by row.
//!
//! A merged cell carries its value in its top-left cell only, which is exactly how a table
//! extraction shows it, so the form reader needs nothing new. Formulas are read by the values
//! the workbook last computed (the cached results), as the cells show them.
//!
//! Numbers are written with two decimals, as the forms print money, rates, weights and scores
//! (`40` → `40.00`): the workbook's number format is not read, and every numeric cell of the
//! official form is a two-decimal one. Counts and percentages that carry units are text cells.

use std::io::Cursor;

use calamine::{Data, Reader};

use crate::cells::{Cell, Row, without_helper_columns};
use crate::parts::Parts;
use crate::{Import, ImportError, form_reader};

/// Whether the first bytes are a spreadsheet: an OLE2 compound file (XLS), or a ZIP archive
/// whose first entries name a workbook part (`xl/` for XLSX, the ODS mimetype). A Word document
/// is a ZIP too, with `word/` parts, and is not taken for a workbook.
pub fn looks_like_workbook(head: &[u8]) -> bool {
    if head.starts_with(&[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) {
        return true;
    }
    let contains = |needle: &[u8]| head.windows(needle.len()).any(|window| window == needle);
    head.starts_with(b"PK\x03\x04")
        && (contains(b"xl/") || contains(b"application/vnd.oasis.opendocument.spreadsheet"))
}

/// Reads every form of every sheet. A workbook that cannot be opened is one error.
pub fn read_workbook(bytes: &[u8]) -> Import {
    let mut workbook = match calamine::open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(error) => {
            return Import {
                errors: vec![ImportError {
                    file: None,
                    part: None,
                    line: 1,
                    found: format!("无法打开的工作簿（{error}）"),
                    expected: "XLSX、XLS 或 ODS 工作簿".to_owned(),
                    form: None,
                }],
                ..Import::default()
            };
        }
    };
    let mut parts = Parts::new();
    let mut unreadable = Vec::new();
    for name in workbook.sheet_names() {
        let range = match workbook.worksheet_range(&name) {
            Ok(range) => range,
            Err(error) => {
                unreadable.push(ImportError {
                    file: None,
                    part: Some(format!("工作表“{name}”")),
                    line: 1,
                    found: format!("无法读取的工作表（{error}）"),
                    expected: "可读取的工作表".to_owned(),
                    form: None,
                });
                continue;
            }
        };
        let rows = without_helper_columns(grid(&range));
        // A sheet without a form (notes, a cover page) is not read.
        if rows.iter().any(form_reader::may_start_form) {
            parts.push(format!("工作表“{name}”"), rows);
        }
    }
    let mut import = if parts.is_empty() && !unreadable.is_empty() {
        Import::default()
    } else {
        parts.read("工作簿")
    };
    import.errors.append(&mut unreadable);
    import
}

/// The sheet as rows of cells; `line` is the spreadsheet's row number (1-based), `column` the
/// 0-based column, so an error can name the cell.
pub fn grid(range: &calamine::Range<Data>) -> Vec<Row<'static>> {
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    range
        .rows()
        .enumerate()
        .map(|(index, cells)| {
            let line = usize::try_from(first_row).unwrap_or(0) + index + 1;
            let cells = cells
                .iter()
                .enumerate()
                .filter_map(|(offset, value)| {
                    let text = text_of(value)?;
                    let column = usize::try_from(first_column).unwrap_or(0) + offset;
                    Some(Cell::new(column, text))
                })
                .collect();
            Row::new(line, cells)
        })
        .collect()
}

/// A cell's value as the form shows it; `None` for an empty cell or an error value.
fn text_of(value: &Data) -> Option<String> {
    match value {
        Data::Empty | Data::Error(_) => None,
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => {
            Some(text.clone())
        }
        Data::Float(number) => Some(two_decimals(*number)),
        Data::Int(number) => Some(format!("{number}.00")),
        Data::Bool(value) => Some(if *value { "是" } else { "否" }.to_owned()),
        Data::DateTime(date) => Some(two_decimals(date.as_f64())),
    }
}

/// A floating-point cell value with two decimals, rounded half away from zero like the forms.
fn two_decimals(number: f64) -> String {
    if !number.is_finite() {
        return number.to_string();
    }
    // Through Decimal, so that 0.125 is 0.13 and 86.875 rounds like a person would round it.
    match rust_decimal::Decimal::from_f64_retain(number) {
        Some(decimal) => {
            // f64 carries binary noise (86.88 is 86.8799999…); 12 places remove it first.
            let clean = decimal.round_dp(12);
            jixiao_core::rounding::two_places(clean)
        }
        None => format!("{number:.2}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workbooks_are_told_from_word_documents_and_other_zips() {
        assert!(looks_like_workbook(
            b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml"
        ));
        assert!(looks_like_workbook(
            b"PK\x03\x04....mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
        ));
        assert!(looks_like_workbook(&[
            0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0
        ]));
        assert!(!looks_like_workbook(b"PK\x03\x04....word/document.xml"));
        assert!(!looks_like_workbook(b"\xe8\xb4\xa2\xe6\x94\xbf"));
    }

    #[test]
    fn a_broken_workbook_is_one_error() {
        let import = read_workbook(b"PK\x03\x04....xl/ not really a zip");
        assert!(import.forms.is_empty());
        assert_eq!(import.errors.len(), 1);
        assert!(
            import.errors[0].found.starts_with("无法打开的工作簿"),
            "{:?}",
            import.errors
        );
    }

    #[test]
    fn numbers_show_two_decimals() {
        assert_eq!(two_decimals(40.0), "40.00");
        assert_eq!(two_decimals(86.88), "86.88");
        assert_eq!(two_decimals(6.875), "6.88");
        assert_eq!(two_decimals(0.125), "0.13");
        assert_eq!(two_decimals(-8.12), "-8.12");
        assert_eq!(two_decimals(1486.49), "1486.49");
    }
}
