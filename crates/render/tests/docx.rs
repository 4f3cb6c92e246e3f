//! DOCX: the Word form read back by the DOCX importer (the seed forms, field for field), and
//! hand-made Word documents for what the renderer never writes: merges written by hand, a form
//! split over two tables, empty rows, broken files.

use std::io::{Cursor, Read, Write};

use expect_test::{Expect, expect};
use jixiao_core::model::Form;
use jixiao_import::{Format, Import};
use jixiao_render::docx;
use zip::write::SimpleFileOptions;

use crate::support::{
    INDICATOR_HEADING, assert_imported, audited_items, audits, errors, items, seed, soffice,
    warnings,
};

fn render(forms: &[Form]) -> Vec<u8> {
    docx::document(&items(forms)).unwrap()
}

#[test]
fn the_seed_forms_import_back_field_for_field() {
    let bytes = render(seed());
    assert_eq!(jixiao_import::detect(&bytes), Some(Format::Docx));
    // Detection looks at the head only: the first kilobyte names the word/ parts.
    assert_eq!(
        jixiao_import::detect(&bytes[..1024.min(bytes.len())]),
        Some(Format::Docx)
    );
    let import = jixiao_import::read_document(&bytes);
    assert_imported(&import, seed());
    assert_only_the_seed_warning(&import);
}

/// The one doubt of the seed forms: an indicator published with a weight and no score (the
/// golden form has no score either), named by its table and row.
fn assert_only_the_seed_warning(import: &Import) {
    assert_eq!(
        warnings(import),
        [
            "第13个表格第52行（城管执法监督考核辅助工作）：指标“长效管理机制健全性”只有分值没有得分（单元格可能在提取时丢失），得分记为空"
        ]
    );
}

#[test]
fn audited_forms_import_back_too() {
    // The findings listed under each table are body prose: the importer leaves them out.
    let audits = audits(seed());
    let bytes = docx::document(&audited_items(seed(), &audits)).unwrap();
    let xml = part(&bytes, "word/document.xml");
    assert!(
        xml.contains("w:fill=\"FFC7CE\""),
        "no cell shaded as an error"
    );
    assert!(xml.contains("score-above-rule"));
    let import = jixiao_import::read_document(&bytes);
    assert_imported(&import, seed());
    assert_only_the_seed_warning(&import);
}

#[test]
fn the_package_has_the_parts_word_needs_and_real_merges() {
    let forms = seed();
    let bytes = render(&forms[..2]);
    let mut archive = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    let names: Vec<String> = (0..archive.len())
        .map(|index| {
            archive
                .by_index(index)
                .unwrap()
                .name()
                .unwrap()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/_rels/document.xml.rels",
            "word/styles.xml"
        ]
    );
    let mut styles = String::new();
    archive
        .by_name("word/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    assert!(styles.contains("w:eastAsia=\"宋体\""), "{styles}");
    let xml = part(&bytes, "word/document.xml");
    // A4, the second form on a new page, one table per form.
    assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));
    assert_eq!(xml.matches("<w:pageBreakBefore/>").count(), 1);
    assert_eq!(xml.matches("<w:tbl>").count(), 2);
    // Every merge of the layout, down (项目资金 over five rows, the level labels over their
    // groups) and across (项目名称's value over six columns).
    let first = &xml[..xml.find("</w:tbl>").unwrap()];
    let layout = jixiao_render::layout::layout(&forms[0], None);
    let cells = || layout.rows.iter().flat_map(|row| &row.cells);
    let down = cells().filter(|cell| cell.rowspan > 1).count();
    let continued: usize = cells().map(|cell| cell.rowspan - 1).sum();
    assert_eq!(first.matches("<w:vMerge w:val=\"restart\"/>").count(), down);
    assert_eq!(first.matches("<w:vMerge/>").count(), continued);
    assert!(down >= 4, "{down}");
    assert!(first.contains("<w:gridSpan w:val=\"6\"/>"));
    // Every row covers the eight grid columns.
    for row in first.split("<w:tr>").skip(1) {
        let spans: usize = row
            .split("<w:tc>")
            .skip(1)
            .map(|cell| match cell.find("<w:gridSpan w:val=\"") {
                Some(at) => cell[at + 19..].split('"').next().unwrap().parse().unwrap(),
                None => 1,
            })
            .sum();
        assert_eq!(spans, 8, "{row}");
    }
}

#[test]
fn markup_and_control_characters_are_escaped() {
    let mut forms = seed()[..1].to_vec();
    let form = &mut forms[0];
    form.project = "A&B<课题>\"研究\"'x'".to_owned();
    form.goals.expected = "第一段\n第二段&<b>".to_owned();
    form.indicators[0].note = "控制字符\u{7}已删".to_owned();
    let import = jixiao_import::read_document(&render(&forms));
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    let read = &import.forms[0];
    assert_eq!(read.project, forms[0].project);
    assert_eq!(read.goals.expected, forms[0].goals.expected);
    assert_eq!(read.indicators[0].note, "控制字符已删");
}

#[test]
fn no_forms_is_an_error() {
    assert_eq!(
        docx::document(&[]).unwrap_err().to_string(),
        "没有可写入Word文档的自评表"
    );
}

// Hand-made documents.

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A Word package around a `word/document.xml`.
fn package(document_xml: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(b"<Types/>").unwrap();
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(document_xml.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

fn document(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<w:document xmlns:w=\"{W}\">\n<w:body>\n{body}</w:body>\n</w:document>"
    )
}

fn paragraph(text: &str) -> String {
    format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>\n")
}

/// A cell: its text (paragraphs split at `|`), the grid columns it spans, and `restart` or
/// `continue` for a vertical merge.
fn tc(text: &str, span: usize, merge: Option<&str>) -> String {
    let mut properties = String::new();
    if span > 1 {
        properties.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
    }
    match merge {
        Some("restart") => properties.push_str("<w:vMerge w:val=\"restart\"/>"),
        Some(_) => properties.push_str("<w:vMerge/>"),
        None => {}
    }
    let paragraphs: String = text
        .split('|')
        .map(|line| format!("<w:p><w:r><w:t>{line}</w:t></w:r></w:p>"))
        .collect();
    format!("<w:tc><w:tcPr>{properties}</w:tcPr>{paragraphs}</w:tc>")
}

fn plain(texts: &[&str]) -> String {
    texts.iter().map(|text| tc(text, 1, None)).collect()
}

fn tr(cells: &[String]) -> String {
    format!("<w:tr>{}</w:tr>\n", cells.concat())
}

fn tbl(rows: &[String]) -> String {
    format!("<w:tbl><w:tblGrid/>\n{}</w:tbl>\n", rows.concat())
}

const EMPTY_ROW: &str = "<w:tr><w:tc><w:p/></w:tc><w:tc><w:tcPr><w:gridSpan w:val=\"7\"/></w:tcPr><w:p/></w:tc></w:tr>\n";

/// The rows of a small form, drawn as Word draws merged tables: the upper table (header, funds,
/// goals) and the lower one (indicators, 总分, 评分等级).
fn form_rows(project: &str) -> (Vec<String>, Vec<String>) {
    let funds = |label: &str, amounts: [&str; 3], scored: [&str; 3]| {
        tr(&[
            tc("", 1, Some("continue")),
            tc(label, 1, None),
            plain(&amounts),
            plain(&scored),
        ])
    };
    let upper = vec![
        tr(&[tc("项目名称", 2, None), tc(project, 6, None)]),
        tr(&[
            tc("主管部门", 2, None),
            tc("上海市某委员会", 2, None),
            tc("实施单位", 2, None),
            tc("上海市某局", 2, None),
        ]),
        tr(&[
            tc("项目资金|（万元）", 1, Some("restart")),
            tc("", 1, None),
            plain(&[
                "年初预算数",
                "全年预算数",
                "全年执行数",
                "分值",
                "执行率(%)",
                "得分",
            ]),
        ]),
        funds(
            "年度资金总额",
            ["10.00", "10.00", "9.00"],
            ["10.00", "90.00", "9.00"],
        ),
        funds(
            "其中：当年财政拨款",
            ["10.00", "10.00", "9.00"],
            ["-", "90.00", "-"],
        ),
        funds("上年结转资金", ["0.00", "0.00", "0.00"], ["-", "0.00", "-"]),
        funds("其他资金", ["0.00", "0.00", "0.00"], ["-", "0.00", "-"]),
        tr(&[
            tc("年度总体目标", 1, Some("restart")),
            tc("预期目标", 3, None),
            tc("实际完成情况", 4, None),
        ]),
        tr(&[
            tc("", 1, Some("continue")),
            tc("完成检查任务。|覆盖全部片区。", 3, None),
            tc("已完成。", 4, None),
        ]),
    ];
    let lower = vec![
        tr(&[plain(&INDICATOR_HEADING)]),
        tr(&[
            tc("产出指标", 1, Some("restart")),
            tc("数量指标", 1, Some("restart")),
            plain(&["检查次数", "≥10(次)", "12(次)", "50.00", "50.00", ""]),
        ]),
        tr(&[
            tc("", 1, Some("continue")),
            tc("", 1, Some("continue")),
            plain(&[
                "片区覆盖率",
                "=100(%)",
                "100(%)",
                "30.00",
                "29.00",
                "一处延期",
            ]),
        ]),
        tr(&[plain(&[
            "满意度指标",
            "服务对象满意度指标",
            "市民满意度",
            "≥90(%)",
            "95(%)",
            "10.00",
            "10.00",
            "",
        ])]),
        tr(&[
            tc("总分", 5, None),
            plain(&["100.00", "98.00"]),
            tc("", 1, None),
        ]),
        tr(&[tc("评分等级", 5, None), tc("优", 3, None)]),
    ];
    (upper, lower)
}

/// The forms read, in a few lines each, with every warning and error.
fn check(bytes: &[u8], expected: Expect) {
    let import = jixiao_import::read_document(bytes);
    expected.assert_eq(&summary(&import));
}

fn summary(import: &Import) -> String {
    let mut out = String::new();
    for form in &import.forms {
        out.push_str(&format!(
            "{} {}年 {} / {} / {}\n  资金 {:?} {:?} {:?} 执行 {:?} {:?} {:?}\n  目标 {:?} → {:?}\n",
            form.project,
            form.year,
            form.department,
            form.implementing_unit,
            form.grade,
            form.funds.total.initial,
            form.funds.total.adjusted,
            form.funds.total.executed,
            form.execution.weight,
            form.funds.total.rate,
            form.execution.score,
            form.goals.expected,
            form.goals.actual,
        ));
        for indicator in &form.indicators {
            out.push_str(&format!(
                "  {}/{}/{} {} {} {:?} {:?} {:?}\n",
                indicator.level1,
                indicator.level2,
                indicator.name,
                indicator.target,
                indicator.actual,
                indicator.weight,
                indicator.score,
                indicator.note
            ));
        }
        out.push_str(&format!(
            "  总分 {:?} {:?}\n",
            form.total.weight, form.total.score
        ));
    }
    for warning in &import.warnings {
        out.push_str(&format!("warning: {warning}\n"));
    }
    for error in &import.errors {
        out.push_str(&format!("error: {error}\n"));
    }
    out
}

const ONE_FORM: Expect = expect![[r#"
    测试项目 2024年 上海市某委员会 / 上海市某局 / 优
      资金 Some(10.00) Some(10.00) Some(9.00) 执行 Some(10.00) Some(90.00) Some(9.00)
      目标 "完成检查任务。\n覆盖全部片区。" → "已完成。"
      产出指标/数量指标/检查次数 ≥10(次) 12(次) Some(50.00) Some(50.00) ""
      产出指标/数量指标/片区覆盖率 =100(%) 100(%) Some(30.00) Some(29.00) "一处延期"
      满意度指标/服务对象满意度指标/市民满意度 ≥90(%) 95(%) Some(10.00) Some(10.00) ""
      总分 Some(100.00) Some(98.00)
"#]];

#[test]
fn merged_cells_written_by_hand_read_as_a_form() {
    let (upper, lower) = form_rows("测试项目");
    let rows: Vec<String> = upper.into_iter().chain(lower).collect();
    let body = format!(
        "{}{}{}{}{}",
        paragraph("财政项目支出绩效自评表"),
        paragraph("（2024年度）"),
        paragraph("填报单位：上海市某局"),
        tbl(&rows),
        paragraph("填表人：张三"),
    );
    check(&package(&document(&body)), ONE_FORM);
}

#[test]
fn a_form_split_over_two_tables_with_empty_rows_reads_as_one() {
    let (upper, mut lower) = form_rows("测试项目");
    // Empty rows inside a table, and a page break between the tables.
    lower.insert(2, EMPTY_ROW.to_owned());
    let mut upper = upper;
    upper.insert(0, EMPTY_ROW.to_owned());
    let body = format!(
        "{}{}{}{}{}",
        paragraph("财政项目支出绩效自评表"),
        paragraph("(2024年度)"),
        tbl(&upper),
        "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>\n",
        tbl(&lower),
    );
    check(&package(&document(&body)), ONE_FORM);
}

#[test]
fn several_forms_and_a_table_before_them() {
    let (upper_a, lower_a) = form_rows("第一个项目");
    let (upper_b, lower_b) = form_rows("第二个项目");
    let table_a: Vec<String> = upper_a.into_iter().chain(lower_a).collect();
    let table_b: Vec<String> = upper_b.into_iter().chain(lower_b).collect();
    let body = format!(
        "{}{}{}{}{}{}{}",
        paragraph("目录"),
        tbl(&[tr(&[plain(&["一、", "自评表"])])]),
        paragraph("财政项目支出绩效自评表"),
        paragraph("(2024年度)"),
        tbl(&table_a),
        // The title inside the table, as some units draw it.
        tbl(&[
            vec![
                tr(&[tc("财政项目支出绩效自评表", 8, None)]),
                tr(&[tc("(2023年度)", 8, None)]),
            ],
            table_b,
        ]
        .concat()),
        paragraph("说明：本表金额单位为万元。"),
    );
    let import = jixiao_import::read_document(&package(&document(&body)));
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    assert!(import.warnings.is_empty(), "{:?}", import.warnings);
    let read: Vec<(&str, i32)> = import
        .forms
        .iter()
        .map(|form| (form.project.as_str(), form.year))
        .collect();
    assert_eq!(read, [("第一个项目", 2024), ("第二个项目", 2023)]);
}

#[test]
fn errors_name_the_table_and_its_row() {
    // No 年度资金总额 row: the form fails where the funds rows ended (row 4 of the table, the
    // goals heading once the funds rows are gone); the year is missing in the second form, found
    // wanting at its first table row.
    let (mut upper, lower) = form_rows("缺资金总额");
    upper.drain(3..7);
    let first: Vec<String> = upper.into_iter().chain(lower).collect();
    let (upper, lower) = form_rows("缺年度");
    let second: Vec<String> = upper.into_iter().chain(lower).collect();
    let body = format!(
        "{}{}{}{}{}",
        paragraph("财政项目支出绩效自评表"),
        paragraph("(2024年度)"),
        tbl(&first),
        paragraph("财政项目支出绩效自评表"),
        tbl(&second),
    );
    check(
        &package(&document(&body)),
        expect![[r#"
            error: 第1个表格第4行（缺资金总额）：找到“年度总体目标 预期目标 实际完成情况”，应为项目资金的“年度资金总额”行
            error: 第2个表格第1行（缺年度）：找到“项目名称 缺年度”，应为年度，如“(2024年度)”
        "#]],
    );
}

#[test]
fn broken_files_are_one_error_each() {
    // Not a ZIP archive, though it starts like one.
    check(
        b"PK\x03\x04word/document.xml and then nothing",
        expect![[r#"
            error: 第1行：找到“无法打开的Word文档（invalid Zip archive: Could n…”，应为Word文档（DOCX）
        "#]],
    );
    // A ZIP archive with word/ parts but no word/document.xml.
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("word/styles.xml", SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"<w:styles/>").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    check(
        &bytes,
        expect![[r#"
            error: 第1行：找到“没有word/document.xml的ZIP文件”，应为含word/document.xml的Word文档（DOCX）
        "#]],
    );
    // Broken XML: one error at its line, and the title above it says nothing more.
    check(
        &package(&document(&format!(
            "{}<w:tbl><w:tr><w:tc><w:p></w:tc>",
            paragraph("财政项目支出绩效自评表")
        ))),
        expect![[r#"
            error: word/document.xml第5行：找到“XML格式错误（ill-formed document: expected `<…”，应为格式正确的XML
        "#]],
    );
    // A document cut short after a whole form: the form is kept, the cut is one error, and the
    // title before the cut says nothing more.
    let (upper, lower) = form_rows("测试项目");
    let rows: Vec<String> = upper.into_iter().chain(lower).collect();
    let whole = document(&format!(
        "{}{}{}{}",
        paragraph("财政项目支出绩效自评表"),
        paragraph("(2024年度)"),
        tbl(&rows),
        paragraph("财政项目支出绩效自评表"),
    ));
    let cut = &whole[..whole.rfind("</w:body>").unwrap()];
    let mut import = jixiao_import::read_document(&package(cut));
    assert_eq!(
        errors(&import),
        ["word/document.xml第24行：找到“XML在元素中途结束”，应为格式正确的XML"]
    );
    import.errors.clear();
    ONE_FORM.assert_eq(&summary(&import));
    // A Word document without a form.
    check(
        &package(&document(&format!(
            "{}{}",
            paragraph("通知"),
            tbl(&[tr(&[plain(&["姓名", "张三"])])])
        ))),
        expect![[r#"
            error: 第1行：找到“Word文档中没有自评表”，应为含“财政项目支出绩效自评表”或“项目名称”的表格
        "#]],
    );
}

/// The text of a part of a package.
fn part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn libreoffice_opens_the_document_and_its_docx_imports_back() {
    if !soffice::writer_available() {
        return;
    }
    // Writer ignores Calc's settings in the profile.
    let dir = soffice::scratch_dir("docx", soffice::Profile::KeepCached);
    let input = dir.join("forms.docx");
    std::fs::write(&input, render(seed())).unwrap();
    // Writer opens the document and writes it again as Word 2007+: its own tables, merges and
    // styles, read by the importer.
    let out = soffice::convert(&dir, &input, "docx:MS Word 2007 XML");
    let converted = soffice::read_output(&out.join("forms.docx"));
    let import = jixiao_import::read_document(&converted);
    assert_imported(&import, seed());
    let _ = std::fs::remove_dir_all(&dir);
}
