//! Hand-made variants of seed forms (`tests/data/*.txt`): each changes what another publisher
//! prints differently, and the import must still give the seed form, changed only where the
//! variant's printed values differ.

use std::str::FromStr;

use jixiao_core::model::Form;
use rust_decimal::Decimal;

use crate::util::{assert_forms_eq, data, errors, golden, warnings};

/// Seed form 1 (课题研究) and 2 (行政复议受理和行政诉讼应诉工作), 7 (徐家汇路579号外墙排险维修).
const FORM_1: usize = 0;
const FORM_2: usize = 1;
const FORM_7: usize = 6;

/// Imports `file`, and checks it gives the seed forms `seeds` after `edit`, with `expected_warnings`.
fn check(
    file: &str,
    seeds: &[usize],
    edit: impl FnOnce(&mut Vec<Form>),
    expected_warnings: &[&str],
) {
    let import = jixiao_import::read_bytes(&data(file)).in_file(file);
    assert_eq!(errors(&import), Vec::<String>::new(), "{file}: errors");
    let golden = golden();
    let mut expected: Vec<Form> = seeds.iter().map(|index| golden[*index].clone()).collect();
    edit(&mut expected);
    assert_forms_eq(&expected, &import.forms);
    assert_eq!(warnings(&import), expected_warnings, "{file}: warnings");
}

fn d(text: &str) -> Option<Decimal> {
    Some(Decimal::from_str(text).expect("a decimal"))
}

#[test]
fn fenzhi_for_fenshu_and_back() {
    // The funds header says 分值, the indicator header 分数.
    check("fenzhi.txt", &[FORM_7], |_| {}, &[]);
}

#[test]
fn the_funds_header_gives_the_column_order() {
    // `年初预算数 全年预算数 全年执行数 执行率(%) 分值 得分`.
    check("column-order.txt", &[FORM_7], |_| {}, &[]);
}

#[test]
fn benian_caizheng_bokuan_is_the_appropriation() {
    check("benian.txt", &[FORM_7], |_| {}, &[]);
}

#[test]
fn grades_are_kept_as_printed() {
    check(
        "grades.txt",
        &[FORM_7, FORM_1],
        |forms| {
            forms[0].grade = "达成年度指标".into();
            forms[1].grade = "达成预期指标".into();
        },
        &[],
    );
}

#[test]
fn weights_printed_after_level_labels_are_stripped() {
    // `产出指标(50分)`, `效益指标（30分）`, `满意度指标(10 分)`.
    check("level-weights.txt", &[FORM_7], |_| {}, &[]);
}

#[test]
fn dashes_and_blank_cells_are_empty() {
    // `—`, `-`, `/` and empty cells in the funds table.
    check(
        "dashes.txt",
        &[FORM_7],
        |forms| {
            let funds = &mut forms[0].funds;
            funds.total.initial = None;
            funds.appropriation.initial = None;
            for row in [&mut funds.carryover, &mut funds.other] {
                row.initial = None;
                row.adjusted = None;
                row.executed = None;
                row.rate = None;
            }
        },
        &[],
    );
}

#[test]
fn amounts_in_yuan_become_wan_yuan() {
    // 198400.00 元 = 19.84 万元 (the seed's value); 197912.34 元 = 19.791234 万元, exactly.
    check(
        "yuan.txt",
        &[FORM_7],
        |forms| {
            let funds = &mut forms[0].funds;
            funds.total.executed = d("19.791234");
            funds.appropriation.executed = d("19.791234");
        },
        &[
            "yuan.txt：第7行（徐家汇路579号外墙排险维修）：项目资金的单位是元，金额已换算为万元（除以10000）",
        ],
    );
}

#[test]
fn labels_and_values_in_one_cell() {
    // `项目名称：…`, `主管部门: …`, `评分等级：优`, as DOCX and HTML extractions print them.
    check("inline-labels.txt", &[FORM_7], |_| {}, &[]);
}

#[test]
fn crlf_line_ends() {
    check("crlf.txt", &[FORM_1], |_| {}, &[]);
}

#[test]
fn a_utf8_byte_order_mark() {
    check("bom.txt", &[FORM_1], |_| {}, &[]);
}

#[test]
fn gb18030_bytes() {
    let bytes = data("gb18030.txt");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the file is not UTF-8"
    );
    assert_eq!(
        jixiao_import::text::decode(&bytes).encoding,
        jixiao_import::text::SourceEncoding::Gb18030
    );
    // Form 2 also has a label cut by a page break (满意 度指 / 标, 服务 对象 / 满意度指标).
    check("gb18030.txt", &[FORM_2], |_| {}, &[]);
}

#[test]
fn gbk_written_by_encoding_rs() {
    let text = String::from_utf8(data("bom.txt")).expect("UTF-8");
    let text = text.trim_start_matches('\u{feff}');
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    let import = jixiao_import::read_bytes(&bytes);
    assert_forms_eq(&golden()[..1], &import.forms);
}

#[test]
fn full_width_digits_and_brackets_read_as_numbers() {
    // Numbers are folded; text keeps its characters as printed (the target `＝７．００（处）`).
    check(
        "fullwidth.txt",
        &[FORM_7],
        |forms| forms[0].indicators[0].target = "＝７．００（处）".into(),
        &[],
    );
}
