//! The format-neutral grid that every importer produces and the form reader consumes.
//!
//! A grid is what a table extraction gives: one [`Row`] per table row, each holding the cells that
//! carry text, with the column they sit in. The text importer builds it from tab-separated lines;
//! XLSX, HTML, DOCX and PDF importers are meant to build the same grid, so the form reader (the
//! finaliser, in hledger's terms) is written once. Blank rows are kept: in a text layout they mark
//! the page breaks that split a table row in two, and the form reader needs to see them.

/// One row of a table, as extracted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    /// 1-based line (or row) of the source document, for error messages.
    pub line: usize,
    /// The row's cells in column order. Importers keep only cells that carry text; a row with no
    /// such cell is blank.
    pub cells: Vec<Cell>,
}

/// One cell of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// 0-based column of the cell in its row.
    pub column: usize,
    /// The cell text exactly as extracted (spaces and markup included).
    pub text: String,
}

impl Row {
    /// A row at `line` with the given cells.
    pub fn new(line: usize, cells: Vec<Cell>) -> Row {
        Row { line, cells }
    }

    /// Whether the row carries no text at all (a page break or an empty table row).
    pub fn is_blank(&self) -> bool {
        self.non_empty().next().is_none()
    }

    /// The cells whose text is not just whitespace, in column order.
    pub fn non_empty(&self) -> impl Iterator<Item = &Cell> {
        self.cells
            .iter()
            .filter(|cell| !cell.text.trim().is_empty())
    }
}

impl Cell {
    /// A cell in `column` holding `text`.
    pub fn new(column: usize, text: impl Into<String>) -> Cell {
        Cell {
            column,
            text: text.into(),
        }
    }
}
