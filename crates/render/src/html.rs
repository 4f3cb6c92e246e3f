//! HTML: the official form as one self-contained page, for the screen and for A4 printing.
//!
//! The page is drawn only from `layout::layout`: the same eight-column grid with its merged cells
//! as the XLSX and PDF writers draw. Nothing is fetched (no fonts, scripts or images), so the file
//! can be mailed or archived as is. Each form is a `<section>` split into two tables: the header,
//! funds and goals, then the indicator table, whose heading row is a `<thead>` so that a browser
//! prints it again at the top of every page. With an audit, the cells a finding is about are
//! tinted by severity and carry numbered markers that link to the finding list under the form.

use std::fmt::Write;

use jixiao_core::finding::Severity;
use jixiao_core::grade::Grade;
use jixiao_core::rounding::{signed, two_places};

use crate::Item;
use crate::layout::{self, COLUMN_WIDTHS, Cell, Layout, Role, Row, RowKind, Style, Value};

/// One HTML page with every form, one `<section>` each, each printed from a new page.
pub fn document(items: &[Item<'_>]) -> String {
    let title = match items {
        [item] => format!("{} · 财政项目支出绩效自评表", item.form.project),
        _ => "财政项目支出绩效自评表".to_owned(),
    };
    let mut body = String::from("<main class=\"forms\">\n");
    for (index, item) in items.iter().enumerate() {
        body.push_str(&form(*item, index + 1));
    }
    body.push_str("</main>\n");
    page(&title, FORM_CSS, &body)
}

/// One form as a `<section id="form-N">`, without the page around it; `number` (from 1) makes
/// its anchors unique in a page of many forms: finding `n` is `#f-N-n`, its marker `#m-N-n`.
pub fn form(item: Item<'_>, number: usize) -> String {
    let layout = layout::layout(item.form, item.audit);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<section class=\"form\" id=\"form-{number}\" aria-label=\"{}\">",
        escape(&item.form.project)
    );
    title_block(&mut out, &layout);
    let (upper, lower) = layout
        .rows
        .split_at(layout.indicator_header.min(layout.rows.len()));
    out.push_str("<table class=\"grid upper\">\n");
    colgroup(&mut out);
    out.push_str("<tbody>\n");
    for row in upper {
        row_html(&mut out, row, &layout, number);
    }
    out.push_str("</tbody>\n</table>\n");
    out.push_str("<table class=\"grid lower\">\n");
    colgroup(&mut out);
    if let Some((heading, rest)) = lower.split_first() {
        out.push_str("<thead>\n");
        row_html(&mut out, heading, &layout, number);
        out.push_str("</thead>\n<tbody>\n");
        for row in rest {
            row_html(&mut out, row, &layout, number);
        }
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n");
    if item.audit.is_some() {
        findings_list(&mut out, &layout, number);
    }
    out.push_str("</section>\n");
    out
}

/// Escapes text for HTML content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// The page around a body: the document, its language, its title and its one stylesheet.
pub(crate) fn page(title: &str, css: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"jixiao\">\n<title>{}</title>\n<style>\n{css}</style>\n\
         </head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// The CSS class of a severity, as the stylesheets tint it.
pub(crate) fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "sev-error",
        Severity::Warning => "sev-warning",
        Severity::Info => "sev-info",
    }
}

/// The title, the year line and, with an audit, the reported and rule totals beside them.
fn title_block(out: &mut String, layout: &Layout) {
    out.push_str("<header class=\"form-head\">\n");
    let _ = writeln!(
        out,
        "<h1 class=\"form-title\">{}</h1>\n<p class=\"form-year\">{}</p>",
        escape(&layout.title),
        escape(&layout.subtitle)
    );
    if let Some((rule_total, rule_grade)) = &layout.rule {
        let shown = |role: Role| {
            layout
                .rows
                .iter()
                .flat_map(|row| &row.cells)
                .find(|cell| cell.role == role)
        };
        let reported_total = shown(Role::TotalScore).and_then(|cell| match cell.value {
            Value::Number(number) => Some(number),
            _ => None,
        });
        let reported_grade = shown(Role::Grade).map(Cell::display).unwrap_or_default();
        let grade_differs = Grade::parse(&reported_grade) != Grade::parse(rule_grade);
        let gap = reported_total.map(|reported| rule_total.saturating_sub(reported));
        let gap_class = match gap {
            Some(gap) if gap.is_sign_negative() && two_places(gap) != "0.00" => " over",
            Some(gap) if two_places(gap) != "0.00" => " under",
            _ => "",
        };
        let _ = writeln!(
            out,
            "<aside class=\"scores\" aria-label=\"总分核对\">\n<table>\n\
             <tr><th></th><th scope=\"col\">总分</th><th scope=\"col\">等级</th></tr>\n\
             <tr><th scope=\"row\">上报</th><td class=\"n\">{}</td><td class=\"g\">{}</td></tr>\n\
             <tr class=\"rule\"><th scope=\"row\">规则</th><td class=\"n\">{}</td><td class=\"g{}\">{}</td></tr>\n\
             <tr class=\"gap\"><th scope=\"row\" title=\"规则总分减上报总分\">差额</th><td class=\"n{gap_class}\">{}</td><td class=\"g\">{}</td></tr>\n\
             </table>\n</aside>",
            reported_total
                .map(two_places)
                .unwrap_or_else(|| "—".to_owned()),
            escape(&reported_grade),
            two_places(*rule_total),
            if grade_differs { " differs" } else { "" },
            escape(rule_grade),
            gap.map(signed).unwrap_or_else(|| "—".to_owned()),
            if grade_differs { "不符" } else { "一致" },
        );
    }
    out.push_str("</header>\n");
}

fn colgroup(out: &mut String) {
    let sum: u32 = COLUMN_WIDTHS.iter().map(|width| u32::from(*width)).sum();
    out.push_str("<colgroup>");
    for width in COLUMN_WIDTHS {
        // Per mille, so that the columns add up to the page width whatever the widths are.
        let share = u32::from(width) * 1000 / sum.max(1);
        let _ = write!(out, "<col style=\"width:{}.{}%\">", share / 10, share % 10);
    }
    out.push_str("</colgroup>\n");
}

fn row_html(out: &mut String, row: &Row, layout: &Layout, number: usize) {
    let class = match row.kind {
        RowKind::Header => "head",
        RowKind::FundsHeading | RowKind::GoalsHeading | RowKind::IndicatorHeading => "heading",
        RowKind::Funds(_) => "funds",
        RowKind::Goals => "goals",
        RowKind::Indicator(_) => "indicator",
        RowKind::Total => "total",
        RowKind::Grade => "grade",
    };
    let _ = write!(out, "<tr class=\"{class}\">");
    for cell in &row.cells {
        cell_html(out, cell, row.kind, layout, number);
    }
    out.push_str("</tr>\n");
}

fn cell_html(out: &mut String, cell: &Cell, kind: RowKind, layout: &Layout, number: usize) {
    let is_label = cell.style == Style::Label;
    let tag = if is_label { "th" } else { "td" };
    let mut classes: Vec<&str> = vec![match cell.style {
        Style::Label => "l",
        Style::Text => "t",
        Style::Number => "n",
        Style::Centered => "c",
    }];
    match cell.role {
        Role::Level1(_) => classes.extend(["level", "level1"]),
        Role::Level2(_) => classes.extend(["level", "level2"]),
        _ => {}
    }
    if matches!(cell.role, Role::GoalsExpected | Role::GoalsActual) {
        classes.push("prose");
    }
    if let Some(severity) = cell.severity {
        classes.push("flagged");
        classes.push(severity_class(severity));
    }
    let _ = write!(out, "<{tag} class=\"{}\"", classes.join(" "));
    if kind == RowKind::IndicatorHeading {
        out.push_str(" scope=\"col\"");
    }
    if cell.colspan > 1 {
        let _ = write!(out, " colspan=\"{}\"", cell.colspan);
    }
    if cell.rowspan > 1 {
        let _ = write!(out, " rowspan=\"{}\"", cell.rowspan);
    }
    if !cell.findings.is_empty() {
        let tooltip: Vec<String> = cell
            .findings
            .iter()
            .filter_map(|index| layout.findings.get(*index))
            .map(|marked| format!("{}：{}", marked.severity.label(), marked.message))
            .collect();
        let _ = write!(out, " title=\"{}\"", escape(&tooltip.join("\n")));
    }
    out.push('>');
    match &cell.value {
        Value::Text(text) if text.contains('\n') || classes.contains(&"prose") => {
            for paragraph in text.split('\n').filter(|line| !line.trim().is_empty()) {
                let _ = write!(out, "<p>{}</p>", escape(paragraph.trim()));
            }
        }
        Value::Text(text) => out.push_str(&escape(text)),
        Value::Number(_) => out.push_str(&escape(&cell.display())),
        Value::Empty => {}
    }
    for index in &cell.findings {
        let severity = layout
            .findings
            .get(*index)
            .map_or(Severity::Info, |marked| marked.severity);
        let n = index + 1;
        let _ = write!(
            out,
            "<sup class=\"mark {}\"><a id=\"m-{number}-{n}\" href=\"#f-{number}-{n}\">{n}</a></sup>",
            severity_class(severity)
        );
    }
    let _ = write!(out, "</{tag}>");
}

/// The numbered findings under the form; each links back to its marker in the table.
fn findings_list(out: &mut String, layout: &Layout, number: usize) {
    let marked: Vec<usize> = layout
        .rows
        .iter()
        .flat_map(|row| &row.cells)
        .flat_map(|cell| cell.findings.iter().copied())
        .collect();
    let count = |severity| {
        layout
            .findings
            .iter()
            .filter(|marked| marked.severity == severity)
            .count()
    };
    out.push_str("<div class=\"findings\">\n");
    if layout.findings.is_empty() {
        out.push_str("<h2>审核发现</h2>\n<p class=\"none\">未发现问题：各项数值与规则计算一致。</p>\n</div>\n");
        return;
    }
    let _ = writeln!(
        out,
        "<h2>审核发现 <span class=\"counts\">共 {} 项：错误 {} · 警告 {} · 提示 {}</span></h2>\n<ol>",
        layout.findings.len(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    for (index, finding) in layout.findings.iter().enumerate() {
        let n = index + 1;
        let back = if marked.contains(&index) {
            format!("#m-{number}-{n}")
        } else {
            format!("#form-{number}")
        };
        let _ = writeln!(
            out,
            "<li id=\"f-{number}-{n}\" class=\"{}\"><a class=\"no\" href=\"{back}\" title=\"返回表中位置\">{n}</a>\
             <span class=\"sev\">{}</span><span class=\"place\">{}</span>\
             <span class=\"msg\">{}<code>{}</code></span></li>",
            severity_class(finding.severity),
            finding.severity.label(),
            escape(&finding.place),
            escape(&finding.message),
            finding.code.as_str()
        );
    }
    out.push_str("</ol>\n</div>\n");
}

/// The stylesheet of the form: the screen shows A4 sheets on a grey desk; print is A4 portrait.
pub(crate) const FORM_CSS: &str = r#"@page { size: A4 portrait; margin: 14mm 12mm 15mm; }
* { box-sizing: border-box; }
html { background: #e8eaed; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; padding: 24px 12px; color: #111; }
.form { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", SimSun, serif; width: 210mm; max-width: 100%; margin: 0 auto 28px; padding: 15mm 12mm 16mm; background: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.18), 0 6px 20px rgba(0,0,0,.07); }
.form-head { display: grid; grid-template-columns: 1fr auto 1fr; align-items: center; column-gap: 4mm; margin: 0 0 5mm; }
.form-title { grid-column: 2; grid-row: 1; margin: 0; font-size: 20pt; font-weight: 700; letter-spacing: .12em; text-align: center; white-space: nowrap; }
.form-year { grid-column: 2; grid-row: 2; margin: 1.5mm 0 0; font-size: 12pt; text-align: center; }
.scores { grid-column: 3; grid-row: 1 / span 2; justify-self: end; font: 9pt/1.4 "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; }
.scores table { border-collapse: collapse; border: .75pt solid #9aa0a6; }
.scores th, .scores td { padding: .6mm 2mm; border-bottom: .5pt solid #dadce0; white-space: nowrap; }
.scores tr:first-child th { color: #5f6368; font-weight: 400; background: #f1f3f4; }
.scores th[scope="row"] { color: #5f6368; font-weight: 400; text-align: left; }
.scores td.n { text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
.scores td.g { text-align: center; font-weight: 600; }
.scores tr.rule td { color: #0b3d91; }
.scores td.g.differs { background: #c62828; color: #fff; border-radius: 2px; }
.scores tr.gap td { font-weight: 400; color: #5f6368; }
.scores tr.gap td.over { color: #c62828; font-weight: 700; }
.scores tr.gap td.under { color: #1565c0; font-weight: 700; }
table.grid { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 10.5pt; line-height: 1.5; }
table.grid.upper { border-bottom: hidden; }
.grid th, .grid td { border: .75pt solid #000; padding: 1.3mm 1.6mm; vertical-align: middle; overflow-wrap: anywhere; }
.grid th { font-weight: 700; text-align: center; }
.grid th, .grid td.level, .grid td.c, .grid td.n { padding-left: .9mm; padding-right: .9mm; }
.grid thead th { background: #f2f2f2; }
.grid td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.grid td.c { text-align: center; }
.grid td.level { font-weight: 600; }
.grid td.prose { vertical-align: top; text-align: justify; padding: 2mm 2.2mm; }
.grid td p { margin: 0; }
.grid td.prose p { text-indent: 2em; }
.grid td.prose p + p { margin-top: .8mm; }
.grid tr.total td, .grid tr.grade td { font-weight: 700; }
.grid tr.grade td { letter-spacing: .3em; }
/* Rows never split across pages. In the indicator table the rule is on the cells, not the rows:
   Chrome keeps every row under a merged 一级 label together when rows avoid breaks, which pushes
   a whole group to the next page; on the cells it still breaks between rows, and splits only the
   merged label. */
.grid.upper tr, .grid thead tr { break-inside: avoid; page-break-inside: avoid; }
.grid.lower tbody td:not(.level) { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
.flagged.sev-error { background: #fde3e1; }
.flagged.sev-warning { background: #fff2cc; }
.flagged.sev-info { background: #e3edfb; }
sup.mark { line-height: 0; margin-left: 1px; vertical-align: super; }
sup.mark a { display: inline-block; min-width: 1.45em; padding: 0 .3em; border-radius: .75em; font: 700 7pt/1.45 "Noto Sans CJK SC", sans-serif; text-align: center; text-decoration: none; color: #fff; }
sup.mark + sup.mark { margin-left: 2px; }
sup.mark.sev-error a { background: #c62828; }
sup.mark.sev-warning a { background: #b26a00; }
sup.mark.sev-info a { background: #1e63c4; }
.findings { margin-top: 6mm; font: 9pt/1.5 "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; }
.findings h2 { margin: 0 0 2mm; padding-bottom: 1.2mm; border-bottom: 1.2pt solid #111; font-size: 11pt; font-weight: 700; break-after: avoid; }
.findings h2 .counts { margin-left: 2mm; font-size: 9pt; font-weight: 400; color: #5f6368; }
.findings p.none { margin: 0; color: #2e7d32; }
.findings ol { list-style: none; margin: 0; padding: 0; }
.findings li { display: grid; grid-template-columns: 2.2em 3.4em minmax(7em, 13em) 1fr; column-gap: 2mm; align-items: baseline; padding: 1mm 0; border-bottom: .5pt solid #e0e0e0; break-inside: avoid; page-break-inside: avoid; }
.findings li:target { background: #fff8e1; }
.findings .no { justify-self: end; color: #5f6368; font-variant-numeric: tabular-nums; text-decoration: none; }
.findings .sev { justify-self: start; padding: 0 .45em; border-radius: 2px; font-size: 8pt; font-weight: 700; color: #fff; }
.findings .sev-error .sev { background: #c62828; }
.findings .sev-warning .sev { background: #b26a00; }
.findings .sev-info .sev { background: #1e63c4; }
.findings .place { font-weight: 700; }
.findings code { margin-left: 2mm; font: 7.5pt/1.5 "DejaVu Sans Mono", Consolas, monospace; color: #80868b; }
@media print {
  html, body { background: none; padding: 0; }
  .form { width: auto; margin: 0; padding: 0; box-shadow: none; }
  .forms > .form + .form { break-before: page; page-break-before: always; }
  a { color: inherit; }
}
"#;
