//! Fuzzes the DOCX importer: `read_docx` on the raw input (a ZIP archive or not), on a valid
//! Word package whose `word/document.xml` is the input, and on one whose body is the input (so
//! that libFuzzer reaches tables, rows and cells without first finding a whole XML document).
//! None may panic, and what they return must hold the invariants of every import
//! (`common::check_import`). The package is a ZIP archive of stored entries
//! (`common::stored_zip`).
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run docx -- -max_len=20000` (see fuzz/README.md).

#![no_main]

mod common;

use common::{check_import, stored_zip};
use jixiao_import::docx::read_docx;
use libfuzzer_sys::fuzz_target;

const DOCUMENT_START: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>";
const DOCUMENT_END: &[u8] = b"</w:body></w:document>";

fuzz_target!(|data: &[u8]| {
    check_import(&read_docx(data));
    check_import(&read_docx(&package(data)));
    let body = [DOCUMENT_START, data, DOCUMENT_END].concat();
    check_import(&read_docx(&package(&body)));
});

/// A Word package: `[Content_Types].xml` and `word/document.xml` holding `document`.
fn package(document: &[u8]) -> Vec<u8> {
    stored_zip(&[
        ("[Content_Types].xml", b"<Types/>".as_slice()),
        ("word/document.xml", document),
    ])
}
