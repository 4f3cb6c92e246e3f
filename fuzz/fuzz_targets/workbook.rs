//! Fuzzes the workbook importer (XLSX, XLS, ODS through calamine): `read_workbook` on the raw
//! input, and on a valid XLSX package whose first worksheet is the input (so that libFuzzer
//! spends its time in the sheet XML and the grid, not in failing ZIP headers; the package is a
//! ZIP archive of stored entries, `common::stored_zip`). It must not panic, and what it returns
//! must hold the invariants of every import (`common::check_import`), and one of its own: every
//! warning names its sheet.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run workbook -- -max_len=20000` (see fuzz/README.md).

#![no_main]

mod common;

use common::{check_import, stored_zip};
use jixiao_import::Import;
use jixiao_import::workbook::read_workbook;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check(&read_workbook(data));
    check(&read_workbook(&package(data)));
});

/// The smallest XLSX package around `sheet` as `xl/worksheets/sheet1.xml`.
fn package(sheet: &[u8]) -> Vec<u8> {
    stored_zip(&[
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="绩效表" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                .as_bytes(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ])
}

fn check(import: &Import) {
    check_import(import);
    for warning in &import.warnings {
        assert!(
            warning.part.is_some(),
            "a warning about a row without its sheet: {warning:?}"
        );
    }
}
