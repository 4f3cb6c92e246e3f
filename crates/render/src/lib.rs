//! jixiao-render: forms out, in the layouts people publish and print.
//!
//! Renderers never score: they show what a form reports (and, where asked, what an audit found).
//! `csv` writes one row per indicator for spreadsheets; `text` writes the tab-separated layout that a PDF table extraction of a published form gives,
//! clean, so that the text importer reads it back to the same forms.
//! `html` draws the official form as a self-contained page (screen and A4 print), `markdown` gives it for quick sharing,
//! and `report` is the audit report page of one form or many; all three draw from `layout`.
//! `pdf` typesets the official form on A4 pages with typst, from `layout` too.
//! `docx` writes it as a Word document (one table per form, with real merges), from `layout` as well.
#![deny(missing_docs)]

pub mod csv;
pub mod docx;
pub mod html;
pub mod layout;
pub mod markdown;
pub mod pdf;
pub mod report;
pub mod text;
pub mod xlsx;

use jixiao_core::audit::Audit;
use jixiao_core::model::Form;

/// A form to render, with its audit when the rendering should show findings.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    /// The form.
    pub form: &'a Form,
    /// Its audit (`--audit`), or none for the plain official form.
    pub audit: Option<&'a Audit>,
}
