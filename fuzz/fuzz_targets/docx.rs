//! Fuzzes the DOCX importer: `read_docx` on the raw input (a ZIP archive or not), on a valid
//! Word package whose `word/document.xml` is the input, and on one whose body is the input (so
//! that libFuzzer reaches tables, rows and cells without first finding a whole XML document).
//! None may panic, and what they return must hold these invariants:
//!
//! - every error and warning has a line (≥ 1), says what it expected (an error) or what was done
//!   (a warning), and prints (its `Display` does not panic);
//! - an import that read no form says why (an error);
//! - every form has its year (four digits), and at least one indicator.
//!
//! The package is a ZIP archive written here, entries stored (not compressed), so that the
//! target needs nothing but jixiao-import.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run docx -- -max_len=20000` (see fuzz/README.md).

#![no_main]

use jixiao_import::Import;
use jixiao_import::docx::read_docx;
use libfuzzer_sys::fuzz_target;

const DOCUMENT_START: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>";
const DOCUMENT_END: &[u8] = b"</w:body></w:document>";

fuzz_target!(|data: &[u8]| {
    check(&read_docx(data));
    check(&read_docx(&package(data)));
    let body = [DOCUMENT_START, data, DOCUMENT_END].concat();
    check(&read_docx(&package(&body)));
});

fn check(import: &Import) {
    for error in &import.errors {
        assert!(error.line >= 1, "error line 0: {error:?}");
        assert!(!error.expected.is_empty(), "{error:?}");
        assert!(!error.to_string().is_empty());
    }
    for warning in &import.warnings {
        assert!(warning.line >= 1, "warning line 0: {warning:?}");
        assert!(!warning.message.is_empty(), "{warning:?}");
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

/// A Word package: `[Content_Types].xml` and `word/document.xml` holding `document`.
fn package(document: &[u8]) -> Vec<u8> {
    stored_zip(&[
        ("[Content_Types].xml", b"<Types/>".as_slice()),
        ("word/document.xml", document),
    ])
}

/// A ZIP archive of stored entries: local headers, the central directory, its end record.
fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, content) in entries {
        let offset = out.len() as u32;
        let crc = crc32(content);
        let size = content.len() as u32;
        // Version 2.0, no flags, stored, no date.
        let common = |out: &mut Vec<u8>| {
            out.extend_from_slice(&20u16.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&crc.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(content);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes());
        common(&mut central);
        // Comment length, disk, internal and external attributes, offset.
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let directory_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&directory_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// CRC-32 (IEEE), bit by bit: the inputs are small.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
