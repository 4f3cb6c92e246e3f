//! The text layout stage: bytes → text → grid, and the content-based detector.

use jixiao_import::cells::{Cell, Row};
use jixiao_import::text::{self, SourceEncoding};

use crate::util::SEED_TEXT;

#[test]
fn lines_become_rows_of_non_empty_cells() {
    let rows = text::grid("a\t\tb\n\t \t\nc");
    assert_eq!(
        rows,
        vec![
            Row::new(1, vec![Cell::new(0, "a"), Cell::new(2, "b")]),
            Row::new(2, vec![]),
            Row::new(3, vec![Cell::new(0, "c")]),
        ]
    );
    assert!(rows[1].is_blank());
}

#[test]
fn crlf_cr_bom_and_a_final_newline() {
    let expected = vec![
        Row::new(1, vec![Cell::new(0, "甲")]),
        Row::new(2, vec![Cell::new(1, "乙")]),
    ];
    assert_eq!(text::grid("\u{feff}甲\r\n\t乙\r\n"), expected);
    assert_eq!(text::grid("甲\r\t乙\r"), expected);
    assert_eq!(text::grid("甲\n\t乙"), expected);
    assert_eq!(text::grid(""), vec![]);
    assert_eq!(text::grid("\n"), vec![Row::new(1, vec![])]);
}

#[test]
fn decoding_picks_the_encoding() {
    let utf8 = text::decode("项目名称".as_bytes());
    assert_eq!(
        (utf8.text.as_str(), utf8.encoding),
        ("项目名称", SourceEncoding::Utf8)
    );

    let bom = text::decode(b"\xef\xbb\xbf\xe9\xa1\xb9");
    assert_eq!(
        (bom.text.as_str(), bom.encoding),
        ("项", SourceEncoding::Utf8)
    );

    let (gbk, _, _) = encoding_rs::GBK.encode("财政项目支出绩效自评表");
    let decoded = text::decode(&gbk);
    assert_eq!(decoded.encoding, SourceEncoding::Gb18030);
    assert_eq!(decoded.text, "财政项目支出绩效自评表");
    assert!(!decoded.had_errors);

    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain("表".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let decoded = text::decode(&utf16);
    assert_eq!(
        (decoded.text.as_str(), decoded.encoding),
        ("表", SourceEncoding::Utf16Le)
    );
}

#[test]
fn the_detector_looks_at_content() {
    assert!(text::looks_like_text_layout(SEED_TEXT));
    assert!(text::looks_like_text_layout("财政项目 支出绩效自评表"));
    assert!(text::looks_like_text_layout("项目名称\t\t课题研究"));
    assert!(!text::looks_like_text_layout("项目名称 课题研究"));
    assert!(!text::looks_like_text_layout("[{\"year\": 2024}]"));
    assert!(!text::looks_like_text_layout(""));
}
