//! CSV: a byte-order mark, the header, and one row per indicator with the form repeated.

use jixiao_core::json;
use jixiao_render::csv::{CsvWriter, HEADER};

#[test]
fn one_row_per_indicator_with_a_bom() {
    let forms = json::forms_from_str(include_str!(
        "../../../examples/2024-shanghai-cgj-selfeval.json"
    ))
    .unwrap();
    let mut writer = CsvWriter::new(Vec::new()).unwrap();
    for form in &forms {
        writer.write_form(form).unwrap();
    }
    let bytes = writer.finish().unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, HEADER);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let n_indicators: usize = forms.iter().map(|form| form.indicators.len()).sum();
    assert_eq!(records.len(), n_indicators);
    let column = |name: &str| HEADER.iter().position(|h| *h == name).unwrap();
    let puxuan: Vec<_> = records
        .iter()
        .filter(|r| &r[column("项目名称")] == "城管执法普法宣传")
        .collect();
    assert_eq!(puxuan.len(), forms[14].indicators.len());
    let first = puxuan[0];
    assert_eq!(&first[column("三级指标")], "制作、发放宣传资料数量");
    assert_eq!(&first[column("得分")], "15.00");
    assert_eq!(&first[column("资金总额执行率")], "100.00");
    // Goals keep their paragraphs (quoted, with the line break inside the cell).
    assert!(records.iter().any(|r| r[column("预期目标")].contains('\n')));
    // A lost score stays an empty cell.
    assert!(records.iter().any(|r| &r[column("三级指标")] == "长效管理机制健全性" && r[column("得分")].is_empty()));
}
