//! Tests of jixiao-render: what it writes, the importers read back.

mod csv;
mod docx;
mod html;
mod html_import;
mod markdown;
mod pdf;
mod pdf_import;
mod report;
// Shared by the files above: the seed forms, comparisons, skips, LibreOffice.
mod support;
mod text;
mod xlsx;
