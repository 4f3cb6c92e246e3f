//! The published text layout: one table row per line, cells separated by tabs, eight columns,
//! as a PDF table extraction of a 财政项目支出绩效自评表 gives it, without the extraction's
//! artefacts (no line-wrap spaces, no split rows, labels only on the first row of their group).

use std::fmt::Write;

use jixiao_core::model::{Form, FundsRow, Indicator};
use rust_decimal::Decimal;

use crate::layout::INDICATOR_HEADING;

/// Writes forms one after another, each starting with its title, separated by a blank line.
pub fn forms(forms: &[Form]) -> String {
    let mut out = String::new();
    for (index, form) in forms.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        write_form(&mut out, form);
    }
    out
}

/// Writes one form.
pub fn form(form: &Form) -> String {
    let mut out = String::new();
    write_form(&mut out, form);
    out
}

fn write_form(out: &mut String, form: &Form) {
    line(out, &["财政项目支出绩效自评表"]);
    out.push('\n');
    line(out, &[&format!("({}年度)", form.year)]);
    out.push('\n');
    line(out, &["项目名称", "", &form.project, "", "", "", "", ""]);
    line(
        out,
        &[
            "主管部门",
            "",
            &form.department,
            "",
            "实施单位",
            "",
            &form.implementing_unit,
            "",
        ],
    );
    line(
        out,
        &[
            "项目资金 (万元)",
            "",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分数",
            "执行率(%)",
            "得分",
        ],
    );
    let execution = &form.execution;
    funds_row(
        out,
        "年度资金总额:",
        &form.funds.total,
        &number(execution.weight),
        &number(execution.score),
    );
    funds_row(
        out,
        "其中:当年财政拨款",
        &form.funds.appropriation,
        "-",
        "-",
    );
    funds_row(out, "上年结转资金", &form.funds.carryover, "-", "-");
    funds_row(out, "其他资金", &form.funds.other, "-", "-");
    line(
        out,
        &[
            "年度总体目标",
            "预期目标",
            "",
            "",
            "实际完成情况",
            "",
            "",
            "",
        ],
    );
    line(
        out,
        &[
            "",
            &paragraphs(&form.goals.expected),
            "",
            "",
            &paragraphs(&form.goals.actual),
            "",
            "",
            "",
        ],
    );
    line(out, &INDICATOR_HEADING);
    let mut previous: Option<&Indicator> = None;
    for indicator in &form.indicators {
        // Merged cells: a label is printed on the first row of its group only.
        let new_level1 = previous.is_none_or(|p| p.level1 != indicator.level1);
        let new_level2 = new_level1 || previous.is_some_and(|p| p.level2 != indicator.level2);
        let level1 = if new_level1 {
            indicator.level1.as_str()
        } else {
            ""
        };
        let level2 = if new_level2 {
            indicator.level2.as_str()
        } else {
            ""
        };
        let (weight, score) = (number(indicator.weight), number(indicator.score));
        line(
            out,
            &[
                level1,
                level2,
                &indicator.name,
                &indicator.target,
                &indicator.actual,
                &weight,
                &score,
                &indicator.note,
            ],
        );
        previous = Some(indicator);
    }
    line(
        out,
        &[
            "总分",
            "",
            "",
            "",
            "",
            &number(form.total.weight),
            &number(form.total.score),
            "",
        ],
    );
    line(out, &["评分等级", &form.grade, "", "", "", "", "", ""]);
}

fn funds_row(out: &mut String, label: &str, row: &FundsRow, weight: &str, score: &str) {
    let cells = [
        number(row.initial),
        number(row.adjusted),
        number(row.executed),
    ];
    line(
        out,
        &[
            "",
            label,
            &cells[0],
            &cells[1],
            &cells[2],
            weight,
            &number(row.rate),
            score,
        ],
    );
}

/// Paragraphs as the published documents mark them: `<p>…</p>` each, when there are several.
fn paragraphs(text: &str) -> String {
    if !text.contains('\n') {
        return text.to_owned();
    }
    let mut out = String::new();
    for (index, paragraph) in text.split('\n').enumerate() {
        if index > 0 {
            out.push(' ');
        }
        let _ = write!(out, "<p>{paragraph}</p>");
    }
    out
}

/// A number as printed (its own scale kept), or an empty cell for a value the form lacks.
fn number(value: Option<Decimal>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

fn line(out: &mut String, cells: &[&str]) {
    out.push_str(&cells.join("\t"));
    out.push('\n');
}
