//! HTML import: the pages jixiao renders, and the page LibreOffice makes of jixiao's workbook,
//! import back as the forms they were made from; hand-made pages show what a government site
//! publishes (GB2312 with a meta charset, merged headers, a form in two tables, empty rows, a
//! layout table around the form, unclosed cells), and broken pages are errors, not panics.

use std::collections::HashMap;

use jixiao_core::Profile;
use jixiao_core::model::Form;
use jixiao_import::{Format, Import};
use jixiao_render::{html, xlsx};

use crate::support::{
    assert_imported, assert_same_form, audited_items, audits, errors, items, seed, soffice,
    warnings,
};

/// Reads a page through format detection, as the CLI and the server do.
fn import(page: &[u8]) -> Import {
    assert_eq!(jixiao_import::detect(page), Some(Format::Html));
    jixiao_import::read_document(page)
}

#[test]
fn the_rendered_page_imports_back_as_its_forms() {
    let import = import(html::document(&items(seed())).as_bytes());
    assert_imported(&import, seed());
    assert_eq!(warnings(&import), [SCORE_LOST]);
}

/// The one warning the seed gives in every format: an indicator of 城管执法监督考核辅助工作 has a
/// weight and no score (so does the published form), in the 26th table of jixiao's page (two
/// per form) and its 43rd row.
const SCORE_LOST: &str = "第26个表格第43行（城管执法监督考核辅助工作）：指标“长效管理机制健全性”只有分值没有得分（单元格可能在提取时丢失），得分记为空";

#[test]
fn the_audited_page_still_imports_back_as_its_forms() {
    // The audit marks cells with numbered links to its findings and puts the rule total beside
    // the title; the form's own cells still show what was reported.
    let audits = audits(seed());
    let page = html::document(&audited_items(seed(), &audits));
    assert!(page.contains("<sup class=\"mark"));
    let import = import(page.as_bytes());
    assert_imported(&import, seed());
    assert_eq!(warnings(&import), [SCORE_LOST]);
}

#[test]
fn libreoffice_html_of_the_workbook_imports_back_as_its_forms() {
    if !soffice::available() {
        return;
    }
    let profile = Profile::builtin("shanghai").unwrap();
    let dir = soffice::scratch_dir("html-import", soffice::Profile::KeepCached);
    let input = dir.join("forms.xlsx");
    std::fs::write(&input, xlsx::document(&items(seed()), &profile).unwrap()).unwrap();
    let out = soffice::convert(&dir, &input, "html");
    let page = soffice::read_output(&out.join("forms.html"));
    let _ = std::fs::remove_dir_all(&dir);
    // One table per sheet, after a table of contents and a heading that are not forms.
    // LibreOffice shows the formulas' cached results, which are the printed values: every form
    // comes back as it was printed, even 城管执法监督考核辅助工作, whose printed total is not the
    // sum of its printed scores (its cell's note, which says so, is not cell text).
    let import = import(&page);
    assert_imported(&import, seed());
    assert_eq!(
        warnings(&import),
        [
            "第13个表格第54行（城管执法监督考核辅助工作）：指标“长效管理机制健全性”只有分值没有得分（单元格可能在提取时丢失），得分记为空"
        ]
    );
}

/// A form as a government site might publish it, written by hand: a GB2312 page, the title
/// and year as a heading and a paragraph, merged label cells, end tags left out (`<td>`, `<tr>`
/// and `<th>` may be, in HTML), `&nbsp;` in empty cells, and the form in two tables with a
/// note between them. `{TABLE_BREAK}` is where the first table ends and the second starts.
const XUJIAHUI: &str = r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>徐家汇路579号外墙排险维修 财政项目支出绩效自评表</title>
<style>td { border: 1px solid #000 }</style>
<script>var 总分 = 0;</script>
</head>
<body>
<div class="crumbs">首页 &gt; 政务公开 &gt; 财政资金 &gt; 项目支出绩效自评</div>
<h2 align="center">财政项目支出绩效自评表</h2>
<p align="center">（2024年度）</p>
<p align="right">单位：万元</p>
<table border="1" cellspacing="0" width="100%">
<tr><td colspan="2">项目名称<td colspan="6">徐家汇路579号外墙排险维修
<tr><td colspan="2">主管部门<td colspan="2">上海市住房和城乡建设管理委员会<td colspan="2">实施单位<td colspan="2">上海市城市管理行政执法局
<tr><td rowspan="5">项目资金<br>（万元）<td>&nbsp;<td>年初预算数<td>全年预算数<td>全年执行数<td>分值<td>执行率(%)<td>得分
<tr><td>年度资金总额<td>0.00<td>19.84<td>19.79<td>10.00<td>99.74<td>9.97
<tr><td>其中：当年财政拨款<td>0.00<td>19.84<td>19.79<td>-<td>99.74<td>-
<tr><td>上年结转资金<td>0.00<td>0.00<td>0.00<td>-<td>0.00<td>-
<tr><td>其他资金<td>0.00<td>0.00<td>0.00<td>-<td>0.00<td>-
<tr><td rowspan="2">年度<br>总体<br>目标<td colspan="3">预期目标<td colspan="4">实际完成情况
<tr><td colspan="3"><p>维修检测报告中提到的7处风险点。</p><td colspan="4"><p>完成了维修检测报告中指出的7处风险点改造。</p>
{TABLE_BREAK}
<thead><tr><th>一级指标<th>二级指标<th>三级指标<th>年度指标值<th>实际完成值<th>分值<th>得分<th>偏差原因分析及改进措施</thead>
<tbody>
<tr><td rowspan="2">产出指标<td>数量指标<td>维修风险点<td>=7.00(处)<td>7.00(处)<td>40.00<td>40.00<td>&nbsp;
<tr><td>质量指标<td>项目验收合格<td>=100.00(%)<td>100.00(%)<td>30.00<td>30.00<td>
<tr><td>效益指标<td>可持续影响指标<td>高空坠物风险<td>消除高坠风险<td>部分达成指标并具有一定效果<td>10.00<td>8.00<td>因立项安排问题,2024年只能完成高风险的7处抢险工作,已申请2025年排险项目,力争在2025年上半年完成整体排险工作。
<tr><td>满意度指标<td>服务对象满意度指标<td>金丽大厦办公人员<td>&ge;85.00(%)<td>88.90(%)<td>10.00<td>10.00<td>
<tr><td colspan="5">总分<td>100.00<td>97.97<td>&nbsp;
<tr><td colspan="5">评分等级<td colspan="3">优
</tbody></table>
<p class="date">发布日期：2025-03-01　来源：市城管执法局</p>
</body></html>
"#;

/// The first table ends, a note stands between, and the indicators are a second table.
const TWO_TABLES: &str = "</table>\n<p>（续表）</p>\n<table border=\"1\" cellspacing=\"0\">";

fn xujiahui() -> Form {
    seed()
        .iter()
        .find(|form| form.project == "徐家汇路579号外墙排险维修")
        .unwrap()
        .clone()
}

/// The page in GBK, as a GB2312 site serves it (GBK is what browsers read for `gb2312`). This
/// crate has no encoder (encoding_rs is no dev-dependency of jixiao-render), so the code table is
/// the importer's GB18030 decoder read backwards over all two-byte codes, after a `0x80` (€) that
/// makes the bytes invalid UTF-8; a character GBK lacks becomes a character reference, as
/// browsers submit it.
fn gb2312(page: &str) -> Vec<u8> {
    let mut table = HashMap::new();
    for lead in 0x81..=0xfe_u8 {
        for trail in (0x40..=0xfe_u8).filter(|trail| *trail != 0x7f) {
            let decoded = jixiao_import::text::decode(&[0x80, lead, trail]).text;
            let mut chars = decoded.chars();
            if let (Some('€'), Some(ch), None) = (chars.next(), chars.next(), chars.next())
                && ch != '\u{fffd}'
            {
                table.entry(ch).or_insert([lead, trail]);
            }
        }
    }
    let mut bytes = Vec::new();
    for ch in page.chars() {
        match table.get(&ch) {
            _ if ch.is_ascii() => bytes.push(ch as u8),
            Some(code) => bytes.extend(code),
            None => bytes.extend(format!("&#{};", u32::from(ch)).bytes()),
        }
    }
    assert!(std::str::from_utf8(&bytes).is_err());
    bytes
}

#[test]
fn a_gb2312_page_with_the_form_in_two_tables() {
    let page = XUJIAHUI.replace("{TABLE_BREAK}", TWO_TABLES);
    let bytes = gb2312(&page);
    let import = import(&bytes);
    assert_imported(&import, &[xujiahui()]);
    assert!(import.warnings.is_empty(), "{:?}", import.warnings);
    // The same page in UTF-8 with its meta saying so reads the same.
    let utf8 = page.replace("charset=gb2312", "charset=utf-8");
    assert_eq!(jixiao_import::read_document(utf8.as_bytes()), import);
}

#[test]
fn a_form_in_one_table_inside_a_layout_table() {
    // Sites frame their articles in a table: a menu cell beside the article's cell, which holds
    // the title and the form's table.
    let page = XUJIAHUI
        .replace("{TABLE_BREAK}", "")
        .replace(
            "<div class=\"crumbs\">",
            "<table width=\"960\"><tr><td class=\"menu\">政务公开<br>财政资金<br>总分排行</td><td>\n<div class=\"crumbs\">",
        )
        .replace(
            "<p class=\"date\">",
            "</td></tr><tr><td colspan=\"2\">版权所有 © 上海市城市管理行政执法局</td></tr></table>\n<p class=\"date\">",
        );
    let import = import(&gb2312(&page));
    assert_imported(&import, &[xujiahui()]);
    assert!(import.warnings.is_empty(), "{:?}", import.warnings);
}

#[test]
fn tables_around_the_form_are_warned_about_and_not_read_into_it() {
    let page = XUJIAHUI
        .replace("{TABLE_BREAK}", TWO_TABLES)
        .replace(
            "<div class=\"crumbs\">",
            "<table><tr><td>首页</td><td>政务公开</td></tr></table>\n<div class=\"crumbs\">",
        )
        .replace(
            "<p class=\"date\">",
            "<table><tr><td>主办：上海市城市管理行政执法局</td><td>网站标识码：3100000001</td></tr></table>\n<p class=\"date\">",
        );
    let import = import(page.as_bytes());
    assert_imported(&import, &[xujiahui()]);
    assert_eq!(
        warnings(&import),
        [
            "第1个表格第1行：第一张表的标题之前有内容“首页 政务公开”，已忽略",
            "第4个表格第1行（徐家汇路579号外墙排险维修）：无法识别的行“主办：上海市城市管理行政执法局 网站标识码：3100000001”，已忽略",
        ]
    );
}

#[test]
fn empty_rows_inside_the_tables_change_nothing() {
    let page = XUJIAHUI
        .replace("{TABLE_BREAK}", TWO_TABLES)
        .replace(
            "<tr><td>上年结转资金",
            "<tr></tr><tr><td>&nbsp;<td> </td></tr>\n<tr><td>上年结转资金",
        )
        .replace(
            "<tr><td>效益指标",
            "<tr><td colspan=\"8\"></td></tr>\n<tr><td>效益指标",
        );
    let import = import(&gb2312(&page));
    assert_imported(&import, &[xujiahui()]);
    assert!(import.warnings.is_empty(), "{:?}", import.warnings);
}

#[test]
fn a_broken_form_is_an_error_on_its_table_and_row_and_the_other_form_is_kept() {
    let page = XUJIAHUI.replace("{TABLE_BREAK}", TWO_TABLES);
    let body_start = page.find("<h2").unwrap();
    let body_end = page.find("<p class=\"date\">").unwrap();
    let form = &page[body_start..body_end];
    // The second form lost its 总分 row.
    let broken = form
        .replace("徐家汇路579号外墙排险维修", "外墙排险维修（二期）")
        .replace(
            "<tr><td colspan=\"5\">总分<td>100.00<td>97.97<td>&nbsp;\n",
            "",
        );
    let page = format!("{}{form}{broken}{}", &page[..body_start], &page[body_end..]);
    let import = import(&gb2312(&page));
    assert_eq!(import.forms.len(), 1);
    assert_same_form(&xujiahui(), &import.forms[0]);
    // The second form's indicator table ends (at its 7th row) without a 总分 row.
    assert_eq!(
        errors(&import),
        ["第4个表格第7行（外墙排险维修（二期））：找到“文件结尾”，应为“总分”行"]
    );
}

#[test]
fn pages_without_a_form_and_broken_pages_are_errors() {
    let cases: [(&[u8], &str); 4] = [
        (
            b"<!DOCTYPE html><html><body><p>\xe9\x80\x9a\xe7\x9f\xa5</p></body></html>",
            "第1行：找到“网页中没有自评表”，应为含“财政项目支出绩效自评表”或“项目名称”的表格",
        ),
        (
            "<html><body><table><tr><td>附件</td><td>下载</td></tr></table>".as_bytes(),
            "第1个表格第1行：找到“附件 下载”，应为标题“财政项目支出绩效自评表”",
        ),
        (
            b"<html>\xff\xfe\x00<table><tr><td rowspan=-1 colspan=abc><<<</td><td",
            "第1个表格第1行：找到“<<<”，应为标题“财政项目支出绩效自评表”",
        ),
        (
            "<body><h1>2024年度财政项目支出绩效自评表</h1><p>（2024年度）</p>".as_bytes(),
            "网页正文第2行：找到“（2024年度）”，应为“项目名称”行",
        ),
    ];
    for (page, expected) in cases {
        let import = import(page);
        assert!(import.forms.is_empty());
        let errors = errors(&import);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0], expected);
    }
    // The bytes that are neither UTF-8 nor GB18030 are replaced, and said so.
    let import = jixiao_import::read_document(cases[2].0);
    assert_eq!(
        warnings(&import),
        ["第1行：文件中有无法解码的字节，已替换为“\u{fffd}”"]
    );
}
