//! The audit report as one HTML page: what a reviewer (or their head of department) looks at first.
//!
//! From the top: a summary (how many forms, the budget and what was spent, how execution rates
//! spread, reported against rule grades, the total score gap, findings by severity); one chart of
//! every form's reported and rule totals beside its budget-execution rate; an overview table with
//! a status badge per form, so that forms with errors stand out; every finding in one table that a
//! small inline script sorts and filters (the page reads the same without it); then each form drawn
//! by `html::form`, highlighted. Like every renderer it never scores: rule values come from the
//! audits, and only sums, counts and shares are computed here.

use std::collections::BTreeMap;
use std::fmt::Write;

use jixiao_core::Profile;
use jixiao_core::audit::Audit;
use jixiao_core::finding::{Code, Severity};
use jixiao_core::grade::Grade;
use jixiao_core::model::Form;
use jixiao_core::report::FormReport;
use jixiao_core::rounding::{self, signed, two_places};
use rust_decimal::Decimal;

use crate::Item;
use crate::html::{self, escape, severity_class};

/// The report of the items' audits under `profile`, as one self-contained HTML page. Items are
/// expected to carry their audit; one without is shown with no rule values and no findings.
pub fn document(items: &[Item<'_>], profile: &Profile) -> String {
    let entries: Vec<Entry<'_>> = items
        .iter()
        .enumerate()
        .map(|(index, item)| Entry::new(index + 1, *item, profile))
        .collect();
    let mut body = String::from("<div class=\"report\">\n");
    masthead(&mut body, &entries, profile);
    summary(&mut body, &entries);
    chart(&mut body, &entries, profile);
    overview(&mut body, &entries);
    findings_table(&mut body, &entries);
    for entry in &entries {
        form_section(&mut body, entry);
    }
    body.push_str("</div>\n");
    body.push_str("<script>\n");
    body.push_str(SCRIPT);
    body.push_str("</script>\n");
    let title = match items {
        [item] => format!("{} · 绩效自评审核报告", item.form.project),
        _ => format!("绩效自评审核报告 · {} 份自评表", items.len()),
    };
    let css = format!("{}{REPORT_CSS}", html::FORM_CSS);
    html::page(&title, &css, &body)
}

/// One form of the report with what every part of the page needs of it.
struct Entry<'a> {
    number: usize,
    item: Item<'a>,
    report: Option<FormReport>,
    /// Findings per severity: errors, warnings, infos.
    counts: [usize; 3],
    /// The worst severity found.
    status: Option<Severity>,
}

impl<'a> Entry<'a> {
    fn new(number: usize, item: Item<'a>, profile: &Profile) -> Entry<'a> {
        let findings = item.audit.map_or(&[][..], |audit| &audit.findings[..]);
        let count = |severity| {
            findings
                .iter()
                .filter(|finding| finding.severity == severity)
                .count()
        };
        Entry {
            number,
            item,
            report: item
                .audit
                .map(|audit| FormReport::new(item.form, profile, audit)),
            counts: [
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Info),
            ],
            status: findings.iter().map(|finding| finding.severity).max(),
        }
    }

    fn form(&self) -> &'a Form {
        self.item.form
    }

    fn audit(&self) -> Option<&'a Audit> {
        self.item.audit
    }

    /// The 执行率 the form prints on its 年度资金总额 row.
    fn rate(&self) -> Option<Decimal> {
        let form = self.form();
        form.funds.total.rate.or(form.execution.rate)
    }

    fn reported_total(&self) -> Option<Decimal> {
        self.form().total.score
    }

    fn rule_total(&self) -> Option<Decimal> {
        self.report.as_ref().and_then(|report| report.rule.total)
    }

    fn rule_grade(&self) -> Option<Grade> {
        self.audit().map(|audit| audit.scorecard.grade)
    }

    /// Rule total minus reported total, when both are known.
    fn gap(&self) -> Option<Decimal> {
        Some(self.rule_total()?.saturating_sub(self.reported_total()?))
    }
}

/// A form's status, as its badge says it.
fn status_label(status: Option<Severity>) -> (&'static str, &'static str) {
    match status {
        Some(Severity::Error) => ("st-error", "有错误"),
        Some(Severity::Warning) => ("st-warning", "有警告"),
        Some(Severity::Info) => ("st-info", "仅提示"),
        None => ("st-ok", "无问题"),
    }
}

/// Money as finance officers write it: `1,234.56`.
fn money(value: Decimal) -> String {
    let text = two_places(value);
    let (sign, digits) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |rest| ("-", rest));
    let (whole, cents) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}.{cents}")
}

fn or_dash(value: Option<Decimal>, show: fn(Decimal) -> String) -> String {
    value.map_or_else(|| "—".to_owned(), show)
}

/// Executed over budget, in percent; `None` without a budget.
fn share(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole)
}

fn masthead(out: &mut String, entries: &[Entry<'_>], profile: &Profile) {
    let distinct = |values: Vec<String>| {
        let mut values = values;
        values.sort();
        values.dedup();
        values
    };
    let units = distinct(
        entries
            .iter()
            .map(|entry| entry.form().implementing_unit.clone())
            .collect(),
    );
    let years = distinct(
        entries
            .iter()
            .map(|entry| format!("{}年度", entry.form().year))
            .collect(),
    );
    let unit = match units.as_slice() {
        [unit] => escape(unit),
        _ => format!("{} 个实施单位", units.len()),
    };
    let _ = writeln!(
        out,
        "<header class=\"masthead\" id=\"top\">\n<p class=\"kicker\">财政项目支出绩效自评</p>\n\
         <h1>绩效自评审核报告</h1>\n<p class=\"meta\">{unit}<span>·</span>{}<span>·</span>{} 份自评表<span>·</span>规则：{}</p>\n</header>",
        escape(&years.join("、")),
        entries.len(),
        escape(&profile.title)
    );
}

fn summary(out: &mut String, entries: &[Entry<'_>]) {
    let n_forms = entries.len();
    let budget = rounding::sum(
        entries
            .iter()
            .filter_map(|entry| entry.form().funds.total.adjusted),
    );
    let executed = rounding::sum(
        entries
            .iter()
            .filter_map(|entry| entry.form().funds.total.executed),
    );
    let count_where =
        |wanted: &dyn Fn(&Entry<'_>) -> bool| entries.iter().filter(|entry| wanted(entry)).count();
    let n_error_forms = count_where(&|entry| entry.status == Some(Severity::Error));
    let n_warning_forms = count_where(&|entry| entry.status == Some(Severity::Warning));
    let n_clean_forms = count_where(&|entry| entry.status.is_none_or(|s| s == Severity::Info));
    out.push_str("<section class=\"summary\" aria-label=\"概况\">\n");

    // Forms.
    let _ = writeln!(
        out,
        "<div class=\"card kpi\"><h2>自评表</h2><p class=\"big\"><b data-summary=\"forms\">{n_forms}</b> 份</p>\
         <p class=\"sub\"><span class=\"dot st-error\"></span>有错误 <b data-summary=\"forms-error\">{n_error_forms}</b> 份\
         <br><span class=\"dot st-warning\"></span>有警告 <b>{n_warning_forms}</b> 份\
         <br><span class=\"dot st-ok\"></span>无错误警告 <b>{n_clean_forms}</b> 份</p></div>"
    );

    // Budget and execution, with the spread of rates.
    // Execution-rate bands: label, lowest rate (inclusive), highest (exclusive), bar colour.
    let buckets: [(&str, i64, i64, &str); 5] = [
        ("100%", 100, i64::MAX, "r-full"),
        ("90%–100%", 90, 100, "r-high"),
        ("80%–90%", 80, 90, "r-mid"),
        ("60%–80%", 60, 80, "r-low"),
        ("60%以下", i64::MIN, 60, "r-low"),
    ];
    let _ = write!(
        out,
        "<div class=\"card kpi wide\"><h2>预算执行</h2><div class=\"split\"><div>\
         <p class=\"big\"><b data-summary=\"rate\">{}</b>%</p><p class=\"sub\">总体执行率 = 执行数 ÷ 预算数</p>\
         <p class=\"money\">全年预算数合计<br><b data-summary=\"budget\">{}</b> 万元</p>\
         <p class=\"money\">全年执行数合计<br><b data-summary=\"executed\">{}</b> 万元</p></div>\
         <table class=\"dist\" aria-label=\"执行率分布\"><caption>执行率分布（份）</caption>",
        or_dash(share(executed, budget), two_places),
        money(budget),
        money(executed)
    );
    let rates: Vec<Option<Decimal>> = entries.iter().map(Entry::rate).collect();
    let mut rows: Vec<(String, usize, &str)> = buckets
        .iter()
        .map(|(label, low, high, tone)| {
            let within = |rate: Decimal| rate >= Decimal::from(*low) && rate < Decimal::from(*high);
            let n = rates.iter().filter(|rate| rate.is_some_and(within)).count();
            ((*label).to_owned(), n, *tone)
        })
        .collect();
    let n_unknown = rates.iter().filter(|rate| rate.is_none()).count();
    if n_unknown > 0 {
        rows.push(("未填写".to_owned(), n_unknown, "r-none"));
    }
    // Bars are scaled to the largest band, so that the spread reads at a glance.
    let n_largest = rows.iter().map(|(_, n, _)| *n).max().unwrap_or(0);
    for (label, n, tone) in rows {
        let width = (n * 100).checked_div(n_largest).unwrap_or(0);
        let _ = write!(
            out,
            "<tr><th>{label}</th><td class=\"bar\"><span class=\"{tone}\" style=\"width:{width}%\"></span></td>\
             <td class=\"n\" data-summary=\"rate-{label}\">{n}</td></tr>"
        );
    }
    out.push_str("</table></div></div>\n");

    // Grades, reported against rule.
    let grades = [Grade::Excellent, Grade::Good, Grade::Pass, Grade::Poor];
    out.push_str("<div class=\"card kpi\"><h2>评分等级</h2><table class=\"grades\"><tr><th></th>");
    for grade in grades {
        let _ = write!(out, "<th scope=\"col\">{}</th>", grade.label());
    }
    let n_unreadable = entries
        .iter()
        .filter(|entry| Grade::parse(&entry.form().grade).is_none())
        .count();
    if n_unreadable > 0 {
        out.push_str("<th scope=\"col\">其他</th>");
    }
    out.push_str("</tr>\n<tr><th scope=\"row\">上报</th>");
    for grade in grades {
        let n = entries
            .iter()
            .filter(|entry| Grade::parse(&entry.form().grade) == Some(grade))
            .count();
        let _ = write!(
            out,
            "<td data-summary=\"reported-{}\">{n}</td>",
            grade.label()
        );
    }
    if n_unreadable > 0 {
        let _ = write!(out, "<td>{n_unreadable}</td>");
    }
    out.push_str("</tr>\n<tr class=\"rule\"><th scope=\"row\">规则</th>");
    for grade in grades {
        let n = entries
            .iter()
            .filter(|entry| entry.rule_grade() == Some(grade))
            .count();
        let _ = write!(out, "<td data-summary=\"rule-{}\">{n}</td>", grade.label());
    }
    if n_unreadable > 0 {
        out.push_str("<td></td>");
    }
    let n_grade_differs = entries
        .iter()
        .filter(|entry| {
            entry
                .rule_grade()
                .is_some_and(|rule| Grade::parse(&entry.form().grade) != Some(rule))
        })
        .count();
    let _ = writeln!(
        out,
        "</tr></table><p class=\"sub\">等级与规则不符 <b class=\"{}\" data-summary=\"grade-differs\">{n_grade_differs}</b> 份</p></div>",
        if n_grade_differs > 0 { "alert" } else { "" }
    );

    // The total score gap.
    let gaps: Vec<(Decimal, &Entry<'_>)> = entries
        .iter()
        .filter_map(|entry| Some((entry.gap()?, entry)))
        .collect();
    let net = rounding::sum(gaps.iter().map(|(gap, _)| *gap));
    let n_differs = gaps
        .iter()
        .filter(|(gap, _)| two_places(*gap) != "0.00")
        .count();
    let largest = gaps
        .iter()
        .filter(|(gap, _)| two_places(*gap) != "0.00")
        .max_by_key(|(gap, _)| gap.abs());
    let _ = write!(
        out,
        "<div class=\"card kpi\"><h2>总分差额</h2><p class=\"big\"><b data-summary=\"gap\" class=\"{}\">{}</b></p>\
         <p class=\"sub\">规则总分减上报总分之和<br>与规则不符 <b data-summary=\"gap-forms\">{n_differs}</b> 份",
        if net.is_sign_negative() && two_places(net) != "0.00" {
            "alert"
        } else {
            ""
        },
        signed(net)
    );
    if let Some((gap, entry)) = largest {
        let _ = write!(
            out,
            "<br>最大：<a href=\"#r-{}\">{}</a> {}",
            entry.number,
            escape(&entry.form().project),
            signed(*gap)
        );
    }
    out.push_str("</p></div>\n");

    // Findings by severity.
    let total = |index: usize| {
        entries
            .iter()
            .map(|entry| entry.counts[index])
            .sum::<usize>()
    };
    let _ = writeln!(
        out,
        "<div class=\"card kpi\"><h2>审核发现</h2><p class=\"big\"><b data-summary=\"findings\">{}</b> 项</p>\
         <ul class=\"sevs\"><li class=\"sev-error\"><span>错误</span><b data-summary=\"error\">{}</b></li>\
         <li class=\"sev-warning\"><span>警告</span><b data-summary=\"warning\">{}</b></li>\
         <li class=\"sev-info\"><span>提示</span><b data-summary=\"info\">{}</b></li></ul></div>",
        total(0) + total(1) + total(2),
        total(0),
        total(1),
        total(2)
    );
    out.push_str("</section>\n");
}

/// One SVG, a row per form: the reported (○) and rule (●) totals on the grade bands, the gap,
/// and the budget-execution rate as a bar.
fn chart(out: &mut String, entries: &[Entry<'_>], profile: &Profile) {
    const WIDTH: i64 = 960;
    const LABEL_END: i64 = 236;
    const SCORE_START: i64 = 250;
    const SCORE_END: i64 = 610;
    const GAP_END: i64 = 676;
    const RATE_START: i64 = 712;
    const RATE_END: i64 = 888;
    const TOP: i64 = 64;
    const ROW: i64 = 26;
    let height = TOP + ROW * entries.len() as i64 + 30;
    let bands = &profile.grade_bands;
    let lowest = entries
        .iter()
        .flat_map(|entry| [entry.reported_total(), entry.rule_total()])
        .flatten()
        .chain([bands.pass])
        .min()
        .unwrap_or(bands.pass);
    // The axis starts at a multiple of ten below every total and the 中 threshold, so that small
    // gaps stay visible and every grade band with a form in it is drawn.
    let low = (lowest / Decimal::TEN).floor() * Decimal::TEN;
    let low = low.max(Decimal::ZERO);
    let high = Decimal::ONE_HUNDRED;
    let score_x = |value: Decimal| -> i64 {
        let value = value.clamp(low, high);
        let span = (high - low).max(Decimal::ONE);
        let offset = (value - low) * Decimal::from(SCORE_END - SCORE_START) / span;
        SCORE_START + i64::try_from(offset.round()).unwrap_or(0)
    };
    let rate_high = entries
        .iter()
        .filter_map(Entry::rate)
        .max()
        .unwrap_or(Decimal::ONE_HUNDRED)
        .clamp(Decimal::ONE_HUNDRED, Decimal::from(150));
    let rate_x = |value: Decimal| -> i64 {
        let value = value.clamp(Decimal::ZERO, rate_high);
        let offset = value * Decimal::from(RATE_END - RATE_START) / rate_high;
        RATE_START + i64::try_from(offset.round()).unwrap_or(0)
    };
    let bottom = TOP + ROW * entries.len() as i64;
    let _ = writeln!(
        out,
        "<section class=\"card chart\" aria-label=\"图表\">\n<h2>各项目总分与预算执行率</h2>\n\
         <svg viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"各项目上报总分与规则总分对比，及预算执行率\">"
    );
    // Grade bands behind the score panel.
    let band_list = [
        (low, bands.pass, "差", "#fbe9e7"),
        (bands.pass, bands.good, "中", "#fff3e0"),
        (bands.good, bands.excellent, "良", "#fffde7"),
        (bands.excellent, high, "优", "#e8f5e9"),
    ];
    for (from, to, label, fill) in band_list {
        if to <= low || from >= high {
            continue;
        }
        let (x0, x1) = (score_x(from.max(low)), score_x(to.min(high)));
        let _ = writeln!(
            out,
            "<rect x=\"{x0}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"/>\
             <text x=\"{}\" y=\"{}\" class=\"band\">{label}</text>",
            TOP - 6,
            x1 - x0,
            bottom - TOP + 6,
            (x0 + x1) / 2,
            TOP - 12
        );
    }
    // Zebra stripes and labels.
    for (index, entry) in entries.iter().enumerate() {
        let y = TOP + ROW * index as i64;
        if index % 2 == 1 {
            let _ = writeln!(
                out,
                "<rect x=\"0\" y=\"{y}\" width=\"{WIDTH}\" height=\"{ROW}\" class=\"stripe\"/>"
            );
        }
        let name: String = entry.form().project.chars().take(15).collect();
        let ellipsis = if entry.form().project.chars().count() > 15 {
            "…"
        } else {
            ""
        };
        let (status_class, _) = status_label(entry.status);
        let _ = writeln!(
            out,
            "<a href=\"#r-{}\"><text x=\"{LABEL_END}\" y=\"{}\" class=\"label {status_class}\"><title>{}</title>{}. {}{ellipsis}</text></a>",
            entry.number,
            y + ROW / 2 + 5,
            escape(&entry.form().project),
            entry.number,
            escape(&name)
        );
    }
    // Score axis: ticks every ten, grade thresholds dashed.
    let mut tick = low;
    while tick <= high {
        let x = score_x(tick);
        let _ = writeln!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" class=\"grid\"/><text x=\"{x}\" y=\"{}\" class=\"tick\">{}</text>",
            TOP,
            bottom,
            bottom + 16,
            tick.normalize()
        );
        tick += Decimal::TEN;
    }
    for threshold in [bands.pass, bands.good, bands.excellent] {
        if threshold > low && threshold < high {
            let x = score_x(threshold);
            let _ = writeln!(
                out,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{bottom}\" class=\"threshold\"/>",
                TOP - 6
            );
        }
    }
    // Rate axis: 0, 50, 100 (and the top when above 100), 100% solid.
    for tick in [Decimal::ZERO, Decimal::from(50), Decimal::ONE_HUNDRED] {
        let x = rate_x(tick);
        let class = if tick == Decimal::ONE_HUNDRED {
            "threshold full"
        } else {
            "grid"
        };
        let _ = writeln!(
            out,
            "<line x1=\"{x}\" y1=\"{TOP}\" x2=\"{x}\" y2=\"{bottom}\" class=\"{class}\"/><text x=\"{x}\" y=\"{}\" class=\"tick\">{}%</text>",
            bottom + 16,
            tick
        );
    }
    // Panel titles and legend.
    let _ = writeln!(
        out,
        "<text x=\"{SCORE_START}\" y=\"16\" class=\"panel\">总分</text>\
         <circle cx=\"{}\" cy=\"11\" r=\"5\" class=\"reported\"/><text x=\"{}\" y=\"16\" class=\"legend\">上报</text>\
         <circle cx=\"{}\" cy=\"11\" r=\"4.5\" class=\"rule\"/><text x=\"{}\" y=\"16\" class=\"legend\">规则</text>\
         <text x=\"{GAP_END}\" y=\"16\" class=\"panel end\">差额</text>\
         <text x=\"{RATE_START}\" y=\"16\" class=\"panel\">预算执行率</text>\
         <rect x=\"{}\" y=\"6\" width=\"10\" height=\"10\" class=\"r-low\"/><text x=\"{}\" y=\"16\" class=\"legend\">低于80%</text>",
        SCORE_START + 50,
        SCORE_START + 60,
        SCORE_START + 106,
        SCORE_START + 116,
        RATE_START + 90,
        RATE_START + 104,
    );
    // The marks.
    for (index, entry) in entries.iter().enumerate() {
        let y = TOP + ROW * index as i64 + ROW / 2;
        let reported = entry.reported_total();
        let rule = entry.rule_total();
        let gap = entry.gap().filter(|gap| two_places(*gap) != "0.00");
        if let (Some(reported), Some(rule), Some(gap)) = (reported, rule, gap) {
            let class = if gap.is_sign_negative() {
                "over"
            } else {
                "under"
            };
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" class=\"link {class}\"/>",
                score_x(reported),
                score_x(rule)
            );
        }
        let mut tip = format!(
            "{}：上报总分 {}",
            entry.form().project,
            or_dash(reported, two_places)
        );
        let _ = write!(tip, "，规则总分 {}", or_dash(rule, two_places));
        if let Some(reported) = reported {
            let _ = writeln!(
                out,
                "<circle cx=\"{}\" cy=\"{y}\" r=\"5.5\" class=\"reported\"><title>{}</title></circle>",
                score_x(reported),
                escape(&tip)
            );
        }
        if let Some(rule) = rule {
            let _ = writeln!(
                out,
                "<circle cx=\"{}\" cy=\"{y}\" r=\"4\" class=\"rule\"><title>{}</title></circle>",
                score_x(rule),
                escape(&tip)
            );
        }
        if let Some(gap) = gap {
            let class = if gap.is_sign_negative() {
                "over"
            } else {
                "under"
            };
            let _ = writeln!(
                out,
                "<text x=\"{GAP_END}\" y=\"{}\" class=\"gap {class}\">{}</text>",
                y + 4,
                signed(gap)
            );
        }
        if let Some(rate) = entry.rate() {
            let tone = if rate < Decimal::from(80) {
                "r-low"
            } else {
                "r-high"
            };
            let x = rate_x(rate);
            let _ = writeln!(
                out,
                "<rect x=\"{RATE_START}\" y=\"{}\" width=\"{}\" height=\"12\" rx=\"1.5\" class=\"{tone}\"><title>{}：执行率 {}%</title></rect>\
                 <text x=\"{WIDTH}\" y=\"{}\" class=\"value\">{}%</text>",
                y - 6,
                (x - RATE_START).max(1),
                escape(&entry.form().project),
                two_places(rate),
                y + 4,
                two_places(rate)
            );
        }
    }
    out.push_str("</svg>\n");
    let _ = writeln!(
        out,
        "<p class=\"note\">底色为评分等级区间（优 ≥{}，良 ≥{}，中 ≥{}，以下为差）；连线标出上报总分与规则总分之差，红色为上报高于规则。点击项目名称查看该表。</p>\n</section>",
        bands.excellent.normalize(),
        bands.good.normalize(),
        bands.pass.normalize()
    );
}

/// The forms in one table, each with its status badge.
fn overview(out: &mut String, entries: &[Entry<'_>]) {
    out.push_str(
        "<section class=\"card\" id=\"overview\">\n<h2>各表概览</h2>\n<div class=\"scroll\"><table class=\"data overview\">\n\
         <thead><tr><th>序号</th><th class=\"name\">项目名称</th><th>全年预算数<small>万元</small></th><th>全年执行数<small>万元</small></th>\
         <th>执行率<small>%</small></th><th>上报总分</th><th>规则总分</th><th>差额</th><th>上报等级</th><th>规则等级</th>\
         <th>错误</th><th>警告</th><th>提示</th><th>状态</th></tr></thead>\n<tbody>\n",
    );
    for entry in entries {
        let form = entry.form();
        let (status_class, status_text) = status_label(entry.status);
        let rule_grade = entry.rule_grade().map(Grade::label).unwrap_or("—");
        let grade_differs = entry
            .rule_grade()
            .is_some_and(|rule| Grade::parse(&form.grade) != Some(rule));
        let gap = entry.gap();
        let gap_class = match gap {
            Some(gap) if two_places(gap) == "0.00" => "n zero",
            Some(gap) if gap.is_sign_negative() => "n over",
            Some(_) => "n under",
            None => "n",
        };
        let count_cell = |n: usize, class: &str| {
            if n == 0 {
                "<td class=\"n zero\">0</td>".to_owned()
            } else {
                format!("<td class=\"n {class}\">{n}</td>")
            }
        };
        let _ = writeln!(
            out,
            "<tr class=\"{status_class}\"><td class=\"n\">{}</td><td class=\"name\"><a href=\"#r-{}\">{}</a></td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n{}\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"{gap_class}\">{}</td><td class=\"c\">{}</td><td class=\"c{}\">{}</td>{}{}{}\
             <td class=\"c\"><span class=\"badge {status_class}\">{status_text}</span></td></tr>",
            entry.number,
            entry.number,
            escape(&form.project),
            or_dash(form.funds.total.adjusted, money),
            or_dash(form.funds.total.executed, money),
            if entry.rate().is_some_and(|rate| rate < Decimal::from(80)) {
                " low"
            } else {
                ""
            },
            or_dash(entry.rate(), two_places),
            or_dash(entry.reported_total(), two_places),
            or_dash(entry.rule_total(), two_places),
            or_dash(gap, signed),
            escape(&form.grade),
            if grade_differs { " differs" } else { "" },
            rule_grade,
            count_cell(entry.counts[0], "c-error"),
            count_cell(entry.counts[1], "c-warning"),
            count_cell(entry.counts[2], "c-info"),
        );
    }
    out.push_str("</tbody>\n</table></div>\n</section>\n");
}

/// Every finding of every form; the script sorts it by any column and filters it.
fn findings_table(out: &mut String, entries: &[Entry<'_>]) {
    let mut by_code: BTreeMap<Code, usize> = BTreeMap::new();
    let mut by_severity = [0usize; 3];
    for entry in entries {
        for finding in entry.audit().map_or(&[][..], |audit| &audit.findings[..]) {
            *by_code.entry(finding.code).or_default() += 1;
            by_severity[severity_rank(finding.severity) - 1] += 1;
        }
    }
    let n_findings: usize = by_severity.iter().sum();
    let _ = writeln!(
        out,
        "<section class=\"card\" id=\"findings\">\n<h2>审核发现明细 <small>{n_findings} 项</small></h2>"
    );
    if n_findings == 0 {
        out.push_str("<p class=\"sub\">未发现问题。</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<div class=\"filters\" id=\"filters\" hidden><label>级别 <select id=\"filter-severity\"><option value=\"\">全部</option>",
    );
    for (severity, n) in [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .zip(by_severity)
    {
        if n > 0 {
            let _ = write!(
                out,
                "<option value=\"{severity}\">{}（{n}）</option>",
                severity.label()
            );
        }
    }
    out.push_str(
        "</select></label><label>代码 <select id=\"filter-code\"><option value=\"\">全部</option>",
    );
    for (code, n) in &by_code {
        let _ = write!(
            out,
            "<option value=\"{code}\">{} · {}（{n}）</option>",
            code.as_str(),
            escape(code.title())
        );
    }
    out.push_str(
        "</select></label><span id=\"filter-count\" class=\"sub\"></span><span class=\"hint\">点击表头可排序</span></div>\n\
         <div class=\"scroll\"><table class=\"data findings-table\" id=\"findings-table\">\n\
         <thead><tr><th>表</th><th>位置</th><th>代码</th><th>级别</th><th>上报值</th><th>应为</th><th class=\"msg\">说明</th></tr></thead>\n<tbody>\n",
    );
    // Errors first, then warnings, then infos; within a severity, in the order of the forms.
    let mut rows: Vec<(usize, usize, usize, String)> = Vec::new();
    for entry in entries {
        let Some(audit) = entry.audit() else {
            continue;
        };
        let places = entry
            .report
            .as_ref()
            .map(|report| &report.findings[..])
            .unwrap_or(&[]);
        for (index, (finding, shown)) in audit.findings.iter().zip(places).enumerate() {
            let mut row = String::new();
            let _ = writeln!(
                row,
                "<tr class=\"{}\" data-severity=\"{}\" data-code=\"{}\"><td data-sort=\"{}\" class=\"form-cell\" title=\"{}\">{}. {}</td>\
                 <td><a href=\"#f-{}-{}\">{}</a></td><td><code>{}</code></td>\
                 <td data-sort=\"{}\"><span class=\"sev\">{}</span></td><td class=\"v\">{}</td><td class=\"v\">{}</td><td class=\"msg\">{}</td></tr>",
                severity_class(finding.severity),
                finding.severity,
                finding.code,
                entry.number,
                escape(&entry.form().project),
                entry.number,
                escape(&entry.form().project),
                entry.number,
                index + 1,
                escape(&shown.place),
                finding.code.as_str(),
                severity_rank(finding.severity),
                finding.severity.label(),
                escape(finding.reported.as_deref().unwrap_or("")),
                escape(finding.expected.as_deref().unwrap_or("")),
                escape(&finding.message()),
            );
            rows.push((severity_rank(finding.severity), entry.number, index, row));
        }
    }
    rows.sort_by_key(|(rank, number, index, _)| (*rank, *number, *index));
    for (_, _, _, row) in rows {
        out.push_str(&row);
    }
    out.push_str("</tbody>\n</table></div>\n</section>\n");
}

/// Errors sort first: 1 error, 2 warning, 3 info.
fn severity_rank(severity: Severity) -> usize {
    match severity {
        Severity::Error => 1,
        Severity::Warning => 2,
        Severity::Info => 3,
    }
}

/// A form, with a bar naming its status above the drawing `html::form` makes of it.
fn form_section(out: &mut String, entry: &Entry<'_>) {
    let (status_class, status_text) = status_label(entry.status);
    let _ = writeln!(
        out,
        "<article class=\"form-report\" id=\"r-{}\">\n<div class=\"form-bar {status_class}\"><span class=\"badge {status_class}\">{status_text}</span>\
         <h2>{}. {}</h2><span class=\"counts\">错误 {} · 警告 {} · 提示 {}</span><a href=\"#overview\">返回概览</a></div>",
        entry.number,
        entry.number,
        escape(&entry.form().project),
        entry.counts[0],
        entry.counts[1],
        entry.counts[2]
    );
    out.push_str(&html::form(entry.item, entry.number));
    out.push_str("</article>\n");
}

/// Sorting and filtering of the findings table. Without it the table is complete, in form order.
const SCRIPT: &str = r#"(function () {
  var table = document.getElementById('findings-table');
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var severity = document.getElementById('filter-severity');
  var code = document.getElementById('filter-code');
  var count = document.getElementById('filter-count');
  document.getElementById('filters').hidden = false;
  table.classList.add('sortable');
  function filter() {
    var shown = 0;
    rows.forEach(function (row) {
      var keep = (!severity.value || row.dataset.severity === severity.value) &&
        (!code.value || row.dataset.code === code.value);
      row.hidden = !keep;
      if (keep) shown += 1;
    });
    count.textContent = '显示 ' + shown + ' / ' + rows.length + ' 项';
  }
  severity.addEventListener('change', filter);
  code.addEventListener('change', filter);
  function key(row, column) {
    var cell = row.cells[column];
    return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
  }
  function compare(a, b) {
    if (a !== '' && b !== '' && !isNaN(a) && !isNaN(b)) return Number(a) - Number(b);
    return a.localeCompare(b, 'zh-CN');
  }
  var headings = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headings.forEach(function (heading, column) {
    heading.tabIndex = 0;
    heading.setAttribute('role', 'button');
    function sort() {
      var ascending = heading.getAttribute('aria-sort') !== 'ascending';
      headings.forEach(function (other) { other.removeAttribute('aria-sort'); });
      heading.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var order = rows.map(function (row, index) { return [key(row, column), index, row]; });
      order.sort(function (a, b) {
        var by = compare(a[0], b[0]);
        return (ascending ? by : -by) || a[1] - b[1];
      });
      order.forEach(function (entry) { body.appendChild(entry[2]); });
    }
    heading.addEventListener('click', sort);
    heading.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sort(); }
    });
  });
  filter();
})();
"#;

/// The report's own look: a sans-serif dashboard around the forms, which keep the form's style.
const REPORT_CSS: &str = r#"html { background: #f1f3f5; }
body { padding: 0 0 40px; }
.report { max-width: 1140px; margin: 0 auto; padding: 0 20px; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #1f2328; font-size: 14px; line-height: 1.55; }
.report a { color: #0b57d0; text-decoration: none; }
.report a:hover { text-decoration: underline; }
.masthead { padding: 30px 0 18px; border-bottom: 3px solid #0b3d91; margin-bottom: 18px; }
.masthead .kicker { margin: 0; color: #0b3d91; font-weight: 700; letter-spacing: .2em; font-size: 13px; }
.masthead h1 { margin: 4px 0 6px; font-size: 30px; letter-spacing: .06em; }
.masthead .meta { margin: 0; color: #5f6368; }
.masthead .meta span { margin: 0 .6em; color: #bdc1c6; }
.card { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px; padding: 16px 20px; margin-bottom: 16px; box-shadow: 0 1px 2px rgba(0,0,0,.04); }
.card h2 { margin: 0 0 10px; font-size: 16px; }
.card h2 small { margin-left: .4em; font-size: 13px; font-weight: 400; color: #5f6368; }
.summary { display: grid; grid-template-columns: .95fr 2.3fr 1.25fr 1.2fr 1fr; gap: 14px; margin-bottom: 16px; }
.summary .card { margin: 0; }
.kpi h2 { font-size: 13px; font-weight: 500; color: #5f6368; margin-bottom: 4px; }
.kpi .big { margin: 0; font-size: 15px; color: #5f6368; }
.kpi .big b { font-size: 30px; color: #1f2328; font-variant-numeric: tabular-nums; letter-spacing: -.01em; }
.kpi .sub, .sub { margin: 4px 0 0; color: #5f6368; font-size: 12.5px; line-height: 1.7; }
.kpi .sub b { color: #1f2328; }
.kpi b.alert, .kpi .big b.alert { color: #c62828; }
.kpi .split { display: grid; grid-template-columns: auto 1fr; gap: 22px; }
.kpi p.money { margin: 6px 0 0; font-size: 12px; line-height: 1.4; color: #5f6368; white-space: nowrap; }
.kpi p.money b { font-size: 16px; color: #1f2328; font-variant-numeric: tabular-nums; }
table.dist { width: 100%; border-collapse: collapse; font-size: 12.5px; }
table.dist caption { text-align: left; color: #5f6368; padding-bottom: 2px; }
table.dist th { text-align: left; font-weight: 400; white-space: nowrap; padding: 1px 8px 1px 0; color: #3c4043; }
table.dist td.bar { width: 100%; }
table.dist td.bar span { display: block; height: 10px; min-width: 2px; border-radius: 2px; }
table.dist td.n { text-align: right; padding-left: 8px; font-variant-numeric: tabular-nums; font-weight: 700; }
.r-full { background: #1e8e3e; fill: #1e8e3e; } .r-high { background: #5b8fd6; fill: #5b8fd6; } .r-mid { background: #e3a008; fill: #e3a008; } .r-low { background: #d93025; fill: #d93025; } .r-none { background: #bdc1c6; }
table.grades { border-collapse: collapse; width: 100%; margin-top: 4px; font-variant-numeric: tabular-nums; }
table.grades th, table.grades td { text-align: center; padding: 3px 4px; border-bottom: 1px solid #eceff1; }
table.grades th { font-weight: 500; color: #5f6368; white-space: nowrap; }
table.grades td { font-size: 18px; font-weight: 700; }
table.grades tr.rule td { color: #0b3d91; }
ul.sevs { list-style: none; margin: 8px 0 0; padding: 0; display: grid; gap: 4px; }
ul.sevs li { display: flex; justify-content: space-between; align-items: center; padding: 2px 8px; border-radius: 4px; font-size: 13px; }
ul.sevs li b { font-variant-numeric: tabular-nums; }
ul.sevs li.sev-error { background: #fde3e1; color: #a50e0e; } ul.sevs li.sev-warning { background: #fff2cc; color: #7a4a00; } ul.sevs li.sev-info { background: #e3edfb; color: #174ea6; }
.dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 5px; vertical-align: 1px; }
.dot.st-error { background: #d93025; } .dot.st-warning { background: #e3a008; } .dot.st-ok { background: #1e8e3e; }
.chart svg { display: block; width: 100%; height: auto; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; }
.chart .stripe { fill: #000; fill-opacity: .025; }
.chart text { font-size: 12.5px; fill: #3c4043; }
.chart text.label { text-anchor: end; font-size: 13px; fill: #1f2328; }
.chart text.label.st-error { fill: #c62828; font-weight: 700; }
.chart a:hover text.label { text-decoration: underline; }
.chart text.band { text-anchor: middle; font-size: 12px; font-weight: 700; fill: #80868b; }
.chart text.tick { text-anchor: middle; font-size: 11.5px; fill: #80868b; }
.chart text.panel { font-size: 13px; font-weight: 700; fill: #1f2328; }
.chart text.panel.end, .chart text.gap { text-anchor: end; }
.chart text.legend { font-size: 12px; fill: #5f6368; }
.chart text.gap { font-weight: 700; font-variant-numeric: tabular-nums; }
.chart text.gap.over { fill: #c62828; } .chart text.gap.under { fill: #1565c0; }
.chart text.value { text-anchor: end; font-size: 12px; fill: #3c4043; font-variant-numeric: tabular-nums; }
.chart line.grid { stroke: #000; stroke-opacity: .08; }
.chart line.threshold { stroke: #80868b; stroke-dasharray: 3 3; }
.chart line.threshold.full { stroke: #5f6368; stroke-dasharray: none; }
.chart line.link { stroke-width: 3; stroke-linecap: round; }
.chart line.link.over { stroke: #e57373; } .chart line.link.under { stroke: #90caf9; }
.chart circle.reported { fill: #fff; stroke: #3c4043; stroke-width: 2; }
.chart circle.rule { fill: #0b3d91; }
.chart rect.r-high { fill: #7ea6e0; }
.chart .note { margin: 6px 0 0; font-size: 12px; color: #5f6368; }
.scroll { overflow-x: auto; }
table.data { width: 100%; border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
table.data th { position: sticky; top: 0; background: #f8f9fa; color: #3c4043; font-weight: 700; text-align: center; padding: 7px 8px; border-bottom: 2px solid #dadce0; white-space: nowrap; }
table.data th small { display: block; font-weight: 400; color: #80868b; font-size: 11px; }
table.data td { padding: 6px 8px; border-bottom: 1px solid #eceff1; vertical-align: top; }
table.data tbody tr:hover { background: #f8fafd; }
table.data td.n { text-align: right; white-space: nowrap; }
table.data td.c { text-align: center; }
table.data td.zero { color: #bdc1c6; }
table.data td.over { color: #c62828; font-weight: 700; } table.data td.under { color: #1565c0; font-weight: 700; }
table.data td.low { color: #c62828; }
table.data td.differs { color: #fff; background: #c62828; font-weight: 700; }
table.data td.c-error { color: #c62828; font-weight: 700; } table.data td.c-warning { color: #a05a00; font-weight: 700; } table.data td.c-info { color: #174ea6; }
table.overview tbody tr.st-error td:first-child { box-shadow: inset 4px 0 #d93025; }
table.overview tbody tr.st-error { background: #fff7f6; }
table.overview td.name { min-width: 14em; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 700; white-space: nowrap; }
.badge.st-error { background: #d93025; color: #fff; } .badge.st-warning { background: #fde7a9; color: #7a4a00; } .badge.st-info { background: #e3edfb; color: #174ea6; } .badge.st-ok { background: #e6f4ea; color: #137333; }
.filters { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; margin-bottom: 10px; font-size: 13px; }
.filters select { font: inherit; padding: 3px 6px; border: 1px solid #dadce0; border-radius: 4px; background: #fff; max-width: 26em; }
.filters .hint { margin-left: auto; color: #80868b; font-size: 12px; }
table.findings-table td.form-cell { white-space: nowrap; max-width: 13em; overflow: hidden; text-overflow: ellipsis; }
table.findings-table td.v { white-space: nowrap; }
table.findings-table td.msg { min-width: 22em; }
table.findings-table code { font-size: 11px; color: #5f6368; white-space: nowrap; }
table.findings-table .sev { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px; font-weight: 700; color: #fff; white-space: nowrap; }
table.findings-table tr.sev-error .sev { background: #c62828; } table.findings-table tr.sev-warning .sev { background: #b26a00; } table.findings-table tr.sev-info .sev { background: #1e63c4; }
table.findings-table tr.sev-error td { background: #fff5f4; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th::after { content: " ↕"; color: #bdc1c6; font-weight: 400; }
table.sortable th[aria-sort="ascending"]::after { content: " ↑"; color: #0b57d0; }
table.sortable th[aria-sort="descending"]::after { content: " ↓"; color: #0b57d0; }
.form-report { margin-top: 36px; }
.form-bar { display: flex; align-items: center; gap: 12px; max-width: 210mm; margin: 0 auto 10px; padding: 8px 14px; background: #fff; border: 1px solid #e1e4e8; border-left: 5px solid #1e8e3e; border-radius: 6px; }
.form-bar.st-error { border-left-color: #d93025; } .form-bar.st-warning { border-left-color: #e3a008; } .form-bar.st-info { border-left-color: #5b8fd6; }
.form-bar h2 { margin: 0; font-size: 16px; flex: 1; }
.form-bar .counts { color: #5f6368; font-size: 13px; white-space: nowrap; }
.form-bar a { font-size: 13px; white-space: nowrap; }
@media (max-width: 1000px) { .summary { grid-template-columns: 1fr 1fr; } .summary .wide { grid-column: span 2; } }
@media print {
  html { background: none; }
  body { padding: 0; }
  .report { max-width: none; padding: 0; font-size: 9pt; }
  .masthead { padding-top: 0; }
  .card { box-shadow: none; border-color: #dadce0; padding: 3mm 4mm; }
  .summary { grid-template-columns: 1fr 1fr 1fr; gap: 3mm; }
  .summary .wide { grid-column: span 2; }
  .summary .card, .chart { break-inside: avoid; }
  .filters, .hint { display: none; }
  .scroll { overflow: visible; }
  table.data { font-size: 8pt; }
  table.data th, table.data td { padding: 1mm 1.2mm; }
  table.data th { position: static; }
  table.overview th { white-space: normal; }
  table.findings-table { table-layout: fixed; }
  table.findings-table th:nth-child(1) { width: 15%; } table.findings-table th:nth-child(2) { width: 15%; }
  table.findings-table th:nth-child(3) { width: 14%; } table.findings-table th:nth-child(4) { width: 7%; }
  table.findings-table th:nth-child(5), table.findings-table th:nth-child(6) { width: 10%; }
  table.findings-table code { white-space: normal; font-size: 7pt; }
  table.data tr { break-inside: avoid; }
  table.overview td.name { min-width: 9em; }
  table.findings-table td.msg { min-width: 0; }
  #findings { break-before: page; page-break-before: always; }
  .card h2 { break-after: avoid; }
  table.findings-table td.form-cell, table.findings-table td.v { white-space: normal; max-width: none; }
  table.sortable th::after { content: none; }
  .form-report { margin: 0; break-before: page; page-break-before: always; }
  .form-bar { max-width: none; margin: 0 0 4mm; padding: 1.5mm 3mm; }
  .form-bar a { display: none; }
}
"#;
