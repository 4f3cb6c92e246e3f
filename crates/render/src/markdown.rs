//! Markdown for quick sharing (a chat message, an issue, a wiki page): per form a heading, the
//! header, funds and goals as small tables, the indicator table, the total and the grade, and with
//! an audit the findings as a numbered list that the table's `[n]` markers refer to.
//!
//! Like the HTML page it is drawn from `layout::layout`, so both show the same cells and the same
//! finding numbers. Merged 一级/二级 labels are written on the first row of their group and left
//! blank below, as the printed form reads. Text is escaped so that a `|` or a `*` in a form never
//! breaks a table; line breaks inside a cell become `<br>`.

use std::fmt::Write;

use jixiao_core::rounding::two_places;
use rust_decimal::Decimal;

use crate::Item;
use crate::layout::{self, COLUMNS, Cell, Layout, Role, Row, RowKind, Style, Value};
use jixiao_core::rounding::signed;

/// The forms as one Markdown document, one `##` section each.
pub fn document(items: &[Item<'_>]) -> String {
    let mut out = String::from("# 财政项目支出绩效自评表\n");
    for (index, item) in items.iter().enumerate() {
        let heading = if items.len() > 1 {
            format!("{}. {}", index + 1, item.form.project)
        } else {
            item.form.project.clone()
        };
        out.push('\n');
        out.push_str(&form(*item, &heading));
    }
    out
}

/// One form under a `##` heading.
fn form(item: Item<'_>, heading: &str) -> String {
    let layout = layout::layout(item.form, item.audit);
    let mut out = String::new();
    let _ = writeln!(out, "## {} {}\n", escape(heading), escape(&layout.subtitle));
    let rows_of = |wanted: fn(RowKind) -> bool| -> Vec<&Row> {
        layout.rows.iter().filter(|row| wanted(row.kind)).collect()
    };
    header_table(&mut out, &rows_of(|kind| kind == RowKind::Header));
    funds_table(
        &mut out,
        &rows_of(|kind| matches!(kind, RowKind::FundsHeading | RowKind::Funds(_))),
    );
    goals_table(
        &mut out,
        &rows_of(|kind| matches!(kind, RowKind::GoalsHeading | RowKind::Goals)),
    );
    indicator_table(&mut out, &layout);
    if item.audit.is_some() {
        audit_summary(&mut out, &layout);
    }
    out
}

/// Escapes Markdown's table and emphasis characters and inline HTML; line breaks become `<br>`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.trim().chars() {
        match character {
            '\\' | '|' | '*' | '_' | '`' => {
                out.push('\\');
                out.push(character);
            }
            '<' => out.push_str("&lt;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            other => out.push(other),
        }
    }
    out
}

/// A cell's text with its finding markers: `15.00 [1]`.
fn cell_text(cell: &Cell) -> String {
    let mut text = escape(&cell.display());
    for index in &cell.findings {
        let _ = write!(text, " [{}]", index + 1);
    }
    text
}

fn table_row(out: &mut String, cells: &[String]) {
    out.push('|');
    for cell in cells {
        let _ = write!(out, " {cell} |");
    }
    out.push('\n');
}

fn alignment_row(out: &mut String, alignments: &[&str]) {
    table_row(
        out,
        &alignments
            .iter()
            .map(|alignment| (*alignment).to_owned())
            .collect::<Vec<_>>(),
    );
}

/// 项目名称, 主管部门, 实施单位: label and value pairs, one per line.
fn header_table(out: &mut String, rows: &[&Row]) {
    let cells: Vec<&Cell> = rows.iter().flat_map(|row| &row.cells).collect();
    let mut pairs = cells.chunks(2);
    let Some([label, value]) = pairs.next() else {
        return;
    };
    table_row(out, &[cell_text(label), cell_text(value)]);
    alignment_row(out, &["---", "---"]);
    for pair in pairs {
        if let [label, value] = pair {
            table_row(out, &[cell_text(label), cell_text(value)]);
        }
    }
    out.push('\n');
}

/// The funds table; its merged 项目资金（万元） label heads the first column.
fn funds_table(out: &mut String, rows: &[&Row]) {
    let Some((heading, body)) = rows.split_first() else {
        return;
    };
    let header: Vec<String> = heading
        .cells
        .iter()
        .filter(|cell| cell.column != 1)
        .map(cell_text)
        .collect();
    table_row(out, &header);
    let alignments: Vec<&str> = (0..header.len())
        .map(|index| if index == 0 { "---" } else { "---:" })
        .collect();
    alignment_row(out, &alignments);
    for row in body {
        let cells: Vec<String> = row
            .cells
            .iter()
            .map(|cell| {
                if cell.style == Style::Label && cell.column == 1 {
                    format!("**{}**", cell_text(cell))
                } else {
                    cell_text(cell)
                }
            })
            .collect();
        table_row(out, &cells);
    }
    out.push('\n');
}

/// 年度总体目标: 预期目标 beside 实际完成情况.
fn goals_table(out: &mut String, rows: &[&Row]) {
    let Some((heading, body)) = rows.split_first() else {
        return;
    };
    let header: Vec<String> = heading
        .cells
        .iter()
        .filter(|cell| cell.column >= 1)
        .map(cell_text)
        .collect();
    out.push_str("**年度总体目标**\n\n");
    table_row(out, &header);
    alignment_row(out, &vec!["---"; header.len()]);
    for row in body {
        table_row(out, &row.cells.iter().map(cell_text).collect::<Vec<_>>());
    }
    out.push('\n');
}

/// The indicator table, with the 总分 and 评分等级 rows at its foot.
fn indicator_table(out: &mut String, layout: &Layout) {
    let Some(heading) = layout.rows.get(layout.indicator_header) else {
        return;
    };
    out.push_str("**绩效指标**\n\n");
    table_row(
        out,
        &heading.cells.iter().map(cell_text).collect::<Vec<_>>(),
    );
    alignment_row(
        out,
        &["---", "---", "---", ":---:", ":---:", "---:", "---:", "---"],
    );
    for row in layout.rows.iter().skip(layout.indicator_header + 1) {
        let mut slots = vec![String::new(); COLUMNS];
        for cell in &row.cells {
            let text = match row.kind {
                RowKind::Total | RowKind::Grade if !cell.display().is_empty() => {
                    format!("**{}**", cell_text(cell))
                }
                _ => cell_text(cell),
            };
            if let Some(slot) = slots.get_mut(cell.column) {
                *slot = text;
            }
        }
        table_row(out, &slots);
    }
    out.push('\n');
}

/// The rule total beside the reported one, and the numbered findings.
fn audit_summary(out: &mut String, layout: &Layout) {
    let Some((rule_total, rule_grade)) = &layout.rule else {
        return;
    };
    let cell_of = |role: Role| {
        layout
            .rows
            .iter()
            .flat_map(|row| &row.cells)
            .find(|cell| cell.role == role)
    };
    let reported_total: Option<Decimal> =
        cell_of(Role::TotalScore).and_then(|cell| match cell.value {
            Value::Number(number) => Some(number),
            _ => None,
        });
    let reported_grade = cell_of(Role::Grade).map(Cell::display).unwrap_or_default();
    let _ = writeln!(
        out,
        "**审核**：上报总分 {}（{}），规则总分 {}（{}），差额 {}。\n",
        reported_total.map_or_else(|| "—".to_owned(), two_places),
        escape(&reported_grade),
        two_places(*rule_total),
        escape(rule_grade),
        reported_total.map_or_else(
            || "—".to_owned(),
            |reported| signed(rule_total.saturating_sub(reported))
        ),
    );
    if layout.findings.is_empty() {
        out.push_str("未发现问题。\n");
        return;
    }
    let _ = writeln!(out, "**审核发现**（{} 项）\n", layout.findings.len());
    for (index, finding) in layout.findings.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. 〔{}〕{}：{} `{}`",
            index + 1,
            finding.severity.label(),
            escape(&finding.place),
            escape(&finding.message),
            finding.code.as_str()
        );
    }
}
