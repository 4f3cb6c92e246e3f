//! jixiao-import: turns published self-evaluation forms (财政项目支出绩效自评表) into canonical
//! forms ([`jixiao_core::model::Form`]).
//!
//! Importing has two stages, like hledger's reader + finaliser. A format importer turns a
//! document into a format-neutral grid of cells ([`cells`]): [`text`] for the tab-separated
//! layout a PDF table extraction gives, [`workbook`] for XLSX/XLS/ODS, [`docx`] for Word,
//! [`html`] for web pages and [`pdf`] for PDF (text with positions, rebuilt into table cells).
//! Documents of several parts (sheets, tables, pages) are joined by [`parts`], which puts every
//! message back on its part. Then [`form_reader`] turns the grid into forms, once for every
//! format; [`document`] tells the format from the bytes.
//!
//! An import never fails as a whole and never panics: a form that cannot be read is reported in
//! [`Import::errors`] (with its line) and skipped, the good forms are kept, and whatever was read
//! with a doubt is in [`Import::warnings`].
//!
//! ```
//! let text = include_str!("../../../examples/2024-shanghai-cgj-selfeval.txt");
//! let import = jixiao_import::read_text(text);
//! assert_eq!(import.forms.len(), 15);
//! assert!(import.errors.is_empty());
//! assert_eq!(import.forms[0].project, "课题研究");
//! assert_eq!(import.forms[0].funds.total.initial.unwrap().to_string(), "40.00");
//! ```
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

pub mod cells;
mod diagnostics;
pub mod document;
pub mod docx;
pub mod form_reader;
pub mod html;
pub mod parts;
pub mod pdf;
pub mod stream;
pub mod text;
pub mod workbook;

pub use diagnostics::{ImportError, ImportWarning};
pub use document::{Format, detect, read_document};
pub use jixiao_core::model::Form;
pub use stream::TextStream;

/// The result of an import: the forms that were read, and what went wrong or was doubtful.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Import {
    /// The forms read, in document order.
    pub forms: Vec<Form>,
    /// Doubts about forms that were kept (a lost cell, a converted unit, …).
    pub warnings: Vec<ImportWarning>,
    /// Forms that could not be read and were skipped.
    pub errors: Vec<ImportError>,
}

impl Import {
    /// Names the file the import came from in every error and warning.
    pub fn in_file(mut self, file: impl Into<String>) -> Import {
        let file = file.into();
        for error in &mut self.errors {
            error.file = Some(file.clone());
        }
        for warning in &mut self.warnings {
            warning.file = Some(file.clone());
        }
        self
    }
}

/// Reads every form of a text layout (tab-separated cells, one table row per line).
pub fn read_text(text: &str) -> Import {
    // Row by row: the grid of a large document costs a vector per row to build and free.
    let mut reader = form_reader::FormsReader::default();
    text::each_row(text, |row| reader.row(row));
    reader.finish(None)
}

/// Reads every form of a text layout given as bytes: UTF-8 (with or without a byte-order mark),
/// UTF-16 with a byte-order mark, or GBK/GB18030.
pub fn read_bytes(bytes: &[u8]) -> Import {
    let decoded = text::decode(bytes);
    let mut import = read_text(&decoded.text);
    if decoded.had_errors {
        import.warnings.insert(0, text::undecodable_bytes());
    }
    import
}
