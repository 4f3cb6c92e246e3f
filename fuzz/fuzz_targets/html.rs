//! Fuzzes the web page importer: `read_html` on the raw input, and on the input put inside a
//! form's table (after a title row and a 项目名称 row), so that libFuzzer reaches the form reader
//! with cells, spans and markup of its making. Neither may panic, and what they return must
//! hold the invariants of every import (`common::check_import`), and one of its own: every error
//! and warning names a part of the page that `html::page_parts` gives, and a line within that
//! part's rows (one past its last row at most, the end of the document); one that names no part
//! is about the whole file, at line 1.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run html -- -max_len=20000` (see fuzz/README.md).

#![no_main]

mod common;

use common::check_import;
use jixiao_import::Import;
use jixiao_import::html::{page_parts, read_html};
use libfuzzer_sys::fuzz_target;

const FORM_START: &[u8] = "<!DOCTYPE html><meta charset=utf-8><h1>财政项目支出绩效自评表</h1><p>(2024年度)</p><table><tr><td colspan=2>项目名称<td colspan=6>课题研究<tr>".as_bytes();

fuzz_target!(|data: &[u8]| {
    check(data);
    check(&[FORM_START, data].concat());
});

fn check(page: &[u8]) {
    let import = read_html(page);
    let parts = page_parts(page);
    check_import(&import);
    check_places(&import, &parts);
}

/// Every place is a part of the page and a line within its rows.
fn check_places(import: &Import, parts: &[(String, Vec<jixiao_import::cells::Row<'static>>)]) {
    let places = import
        .errors
        .iter()
        .map(|error| (&error.part, error.line, error.to_string()))
        .chain(
            import
                .warnings
                .iter()
                .map(|warning| (&warning.part, warning.line, warning.to_string())),
        );
    for (part, line, message) in places {
        let Some(part) = part else {
            assert_eq!(line, 1, "{message}");
            continue;
        };
        let (_, rows) = parts
            .iter()
            .find(|(name, _)| name == part)
            .unwrap_or_else(|| panic!("no part {part}: {message}"));
        let first = rows.first().map_or(1, |row| row.line);
        let last = rows.last().map_or(1, |row| row.line);
        assert!(
            (first..=last + 1).contains(&line),
            "line {line} not in {first}..={}: {message}",
            last + 1
        );
    }
}
