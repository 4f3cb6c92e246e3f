//! What every target shares: the invariants any import holds, whatever the format, and a small
//! ZIP writer for the targets that wrap the input in an Office package (so that the fuzz crate
//! needs nothing but jixiao-import). Each target includes it with `mod common;` and adds the
//! checks of its own format.

// Each target uses only part of this module.
#![allow(dead_code)]

use jixiao_import::Import;

/// Checks what holds for any import: every error and warning has a line (≥ 1), says what it
/// expected (an error) or what was done (a warning), and prints (its `Display` does not panic);
/// an import that read no form says why (an error); every form has its year (four digits) and
/// at least one indicator.
pub fn check_import(import: &Import) {
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

/// A ZIP archive of stored (uncompressed) entries: local headers, the central directory, its
/// end record.
pub fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
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
