//! Fuzzes the text-layout importer: `read_bytes` on the raw input, and `read_text` on the input
//! read as (lossy) UTF-8. Neither may panic, and what they return must hold the invariants of
//! every import (`common::check_import`), and these of its own:
//!
//! - every error and warning has a line in the document: 1 ≤ line ≤ lines + 1 (one past the last
//!   line is where "文件结尾" is reported);
//! - what an error found is shortened to 40 characters and `…`;
//! - no more forms come out than titles went in;
//! - valid UTF-8 without a byte-order mark reads the same through `read_bytes` and `read_text`;
//! - with `--features linear-output`: the text of the output (forms, warnings, errors) is at most
//!   linear in the input (off by default until the known amplifications are fixed, README.md).
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run text -- -max_len=20000` (see fuzz/README.md).

#![no_main]

mod common;

use common::check_import;
use jixiao_import::{Import, read_bytes, read_text};
use libfuzzer_sys::fuzz_target;

const TITLE: &str = "财政项目支出绩效自评表";

fuzz_target!(|data: &[u8]| {
    let from_bytes = read_bytes(data);
    // Each line break is at least one byte, whatever the encoding; UTF-16 needs two.
    check(&from_bytes, data.len() + 1, None);

    let text = String::from_utf8_lossy(data);
    let from_text = read_text(&text);
    let lines = text.split(['\n', '\r']).count();
    check(&from_text, lines + 1, Some(&text));
    #[cfg(feature = "linear-output")]
    {
        let bound = 256 * data.len() + (1 << 20);
        let (bytes, text) = (output_bytes(&from_bytes), output_bytes(&from_text));
        assert!(
            bytes <= bound,
            "{bytes} bytes of output from {} bytes",
            data.len()
        );
        assert!(
            text <= bound,
            "{text} bytes of output from {} bytes",
            data.len()
        );
    }

    if std::str::from_utf8(data).is_ok() && !text.starts_with('\u{feff}') {
        assert_eq!(
            from_bytes, from_text,
            "read_bytes and read_text differ on valid UTF-8"
        );
    }
});

fn check(import: &Import, max_line: usize, text: Option<&str>) {
    check_import(import);
    for error in &import.errors {
        assert!(
            error.line <= max_line,
            "error line {} not in 1..={max_line}: {error}",
            error.line
        );
        assert!(
            error.found.chars().count() <= 41,
            "error text not shortened: {error:?}"
        );
    }
    for warning in &import.warnings {
        assert!(
            warning.line <= max_line,
            "warning line {} not in 1..={max_line}: {warning}",
            warning.line
        );
    }
    if let Some(text) = text {
        // The reader finds a title with the spaces (and byte-order marks) of its cell removed.
        let squeezed: String = text
            .chars()
            .filter(|ch| !ch.is_whitespace() && *ch != '\u{feff}')
            .collect();
        assert!(
            import.forms.len() <= squeezed.matches(TITLE).count(),
            "{} forms from {} titles",
            import.forms.len(),
            squeezed.matches(TITLE).count()
        );
    }
}

/// The bytes of text an import holds: every string of its forms, warnings and errors.
#[cfg(feature = "linear-output")]
fn output_bytes(import: &Import) -> usize {
    let form_bytes = import.forms.iter().map(|form| {
        let indicators: usize = form
            .indicators
            .iter()
            .map(|i| {
                i.level1.len()
                    + i.level2.len()
                    + i.name.len()
                    + i.target.len()
                    + i.actual.len()
                    + i.note.len()
            })
            .sum();
        form.project.len()
            + form.department.len()
            + form.implementing_unit.len()
            + form.goals.expected.len()
            + form.goals.actual.len()
            + form.grade.len()
            + indicators
    });
    let warning_bytes = import
        .warnings
        .iter()
        .map(|w| w.message.len() + w.form.as_ref().map_or(0, String::len));
    let error_bytes = import
        .errors
        .iter()
        .map(|e| e.found.len() + e.expected.len() + e.form.as_ref().map_or(0, String::len));
    form_bytes.sum::<usize>() + warning_bytes.sum::<usize>() + error_bytes.sum::<usize>()
}
