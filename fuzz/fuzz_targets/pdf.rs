//! Fuzzes the PDF importer: `read_pdf` on the raw input, and `read_document` on the input behind a
//! PDF header (so that every input is taken for a PDF). Neither may panic, and what they return
//! must hold these invariants:
//!
//! - every error and warning says something and prints (its `Display` does not panic);
//! - an import that read no form says why (an error);
//! - every error and warning of a page names it (`第N页`), at a line ≥ 1;
//! - every form has its year (four digits), and at least one indicator.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run pdf -- -max_len=65536` (see fuzz/README.md). Seed the
//! corpus with real PDFs (the typst and LibreOffice prints of the seed forms) to get past the
//! parser quickly.

#![no_main]

use jixiao_import::Import;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check(&jixiao_import::pdf::read_pdf(data));
    let mut document = b"%PDF-1.7\n".to_vec();
    document.extend_from_slice(data);
    check(&jixiao_import::read_document(&document));
});

fn check(import: &Import) {
    for error in &import.errors {
        assert!(error.line >= 1, "{error:?}");
        assert!(
            !error.found.is_empty() && !error.expected.is_empty(),
            "{error:?}"
        );
        assert!(error.part.as_deref().is_none_or(is_page), "{error:?}");
        assert!(!error.to_string().is_empty());
    }
    for warning in &import.warnings {
        assert!(warning.line >= 1, "{warning:?}");
        assert!(!warning.message.is_empty(), "{warning:?}");
        assert!(warning.part.as_deref().is_some_and(is_page), "{warning:?}");
        assert!(!warning.to_string().is_empty());
    }
    assert!(
        !import.forms.is_empty() || !import.errors.is_empty(),
        "no form and no error"
    );
    for form in &import.forms {
        assert!((0..=9999).contains(&form.year), "year {}", form.year);
        assert!(!form.indicators.is_empty(), "a form without indicators");
    }
}

/// Whether a part is a page: `第N页`.
fn is_page(part: &str) -> bool {
    part.strip_prefix('第')
        .and_then(|rest| rest.strip_suffix('页'))
        .is_some_and(|number| !number.is_empty() && number.chars().all(|ch| ch.is_ascii_digit()))
}
