//! The format-neutral grid that every importer produces and the form reader consumes.
//!
//! A grid is what a table extraction gives: one [`Row`] per table row, each holding the cells that
//! carry text, with the column they sit in. The text importer builds it from tab-separated lines;
//! XLSX, HTML, DOCX and PDF importers are meant to build the same grid, so the form reader (the
//! finaliser, in hledger's terms) is written once. Blank rows are kept: in a text layout they mark
//! the page breaks that split a table row in two, and the form reader needs to see them.
//!
//! Cells borrow their text from the document when they can ([`crate::text::grid`]), so that a
//! grid costs no copy of the text; [`Row::into_owned`] makes a row that outlives it.

use std::borrow::Cow;

/// One row of a table, as extracted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row<'a> {
    /// 1-based line (or row) of the source document, for error messages.
    pub line: usize,
    /// The row's cells in column order. Importers keep only cells that carry text; a row with no
    /// such cell is blank.
    pub cells: Vec<Cell<'a>>,
}

/// One cell of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell<'a> {
    /// 0-based column of the cell in its row.
    pub column: usize,
    /// The cell text exactly as extracted (spaces and markup included).
    pub text: Cow<'a, str>,
}

impl<'a> Row<'a> {
    /// A row at `line` with the given cells.
    pub fn new(line: usize, cells: Vec<Cell<'a>>) -> Row<'a> {
        Row { line, cells }
    }

    /// The row with its own copy of the text.
    pub fn into_owned(self) -> Row<'static> {
        Row {
            line: self.line,
            cells: self
                .cells
                .into_iter()
                .map(|cell| Cell::new(cell.column, cell.text.into_owned()))
                .collect(),
        }
    }

    /// Whether the row carries no text at all (a page break or an empty table row).
    pub fn is_blank(&self) -> bool {
        self.non_empty().next().is_none()
    }

    /// The cells whose text is not just whitespace, in column order.
    pub fn non_empty(&self) -> impl Iterator<Item = &Cell<'a>> {
        self.cells.iter().filter(|cell| !is_blank(&cell.text))
    }
}

impl<'a> Cell<'a> {
    /// A cell in `column` holding `text`.
    pub fn new(column: usize, text: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell {
            column,
            text: text.into(),
        }
    }
}

/// A table without the columns right of the form's last one (偏差原因分析及改进措施): jixiao's
/// own workbooks keep 规则得分 and the formulas' inputs there (and carry them into LibreOffice's
/// HTML of the workbook), other workbooks notes or scratch figures, none of which belongs to the
/// form.
pub(crate) fn without_helper_columns<'a>(rows: Vec<Row<'a>>) -> Vec<Row<'a>> {
    let last = rows
        .iter()
        .flat_map(|row| row.non_empty())
        .find_map(|cell| {
            let compact: String = cell.text.split_whitespace().collect();
            compact.starts_with("偏差原因").then_some(cell.column)
        });
    let Some(last) = last else {
        return rows;
    };
    rows.into_iter()
        .map(|mut row| {
            row.cells.retain(|cell| cell.column <= last);
            row
        })
        .collect()
}

/// Whether a text is only whitespace (what `trim` removes), looking no further than its first
/// non-whitespace character.
pub(crate) fn is_blank(text: &str) -> bool {
    match text.as_bytes().first() {
        // Printable ASCII and the lead bytes of CJK ideographs (U+4E00–U+9FFF) are no space.
        Some(byte) if byte.is_ascii_graphic() || (0xE4..=0xE9).contains(byte) => false,
        _ => text.chars().all(char::is_whitespace),
    }
}
