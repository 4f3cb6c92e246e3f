//! Fuzzes the PDF importer: `read_pdf` on the raw input, and `read_document` on the input behind a
//! PDF header (so that every input is taken for a PDF). Neither may panic, and what they return
//! must hold the invariants of every import (`common::check_import`), and these of its own:
//!
//! - every error says what it found;
//! - every warning names its page (`第N页`), and so does every error that names a part.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run pdf -- -max_len=65536` (see fuzz/README.md). Seed the
//! corpus with real PDFs (the typst and LibreOffice prints of the seed forms) to get past the
//! parser quickly.

#![no_main]

mod common;

use common::check_import;
use jixiao_import::Import;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check(&jixiao_import::pdf::read_pdf(data));
    let mut document = b"%PDF-1.7\n".to_vec();
    document.extend_from_slice(data);
    check(&jixiao_import::read_document(&document));
});

fn check(import: &Import) {
    check_import(import);
    for error in &import.errors {
        assert!(!error.found.is_empty(), "{error:?}");
        assert!(error.part.as_deref().is_none_or(is_page), "{error:?}");
    }
    for warning in &import.warnings {
        assert!(warning.part.as_deref().is_some_and(is_page), "{warning:?}");
    }
}

/// Whether a part is a page: `第N页`.
fn is_page(part: &str) -> bool {
    part.strip_prefix('第')
        .and_then(|rest| rest.strip_suffix('页'))
        .is_some_and(|number| !number.is_empty() && number.chars().all(|ch| ch.is_ascii_digit()))
}
