//! `/`: the 工作台, by role. Units see their forms by state and what needs fixing; reviewers
//! what waits for review; the finance bureau the roll-ups (departments, grades, budget, gaps).

use axum::extract::State;
use axum::response::IntoResponse;
use jixiao_core::rounding::two_places;
use jixiao_core::workflow::{Role, State as FormState};
use jixiao_store::{FormRecord, Store};
use maud::{Markup, html};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::charts::{self, Bar};
use super::{
    Nav, PageResult, Viewer, badge, decimal, gap, grade, money, signed, time, visible_records,
};
use crate::App;
use crate::service::Orgs;

pub(crate) async fn page<S: Store + Clone>(
    State(app): State<App<S>>,
    viewer: Viewer,
) -> PageResult {
    let orgs = Orgs(app.store.orgs().await?);
    let records = visible_records(&app, &viewer, &orgs).await?;
    let body = html! {
        div.page-head {
            h1 { "工作台" }
            p.muted { (viewer.org_name) " · " (viewer.caller.user.role.label()) "角色" }
        }
        (state_cards(&records))
        @match viewer.caller.user.role {
            Role::Filler => (filler(&records)),
            Role::Reviewer => (reviewer(&records, &orgs)),
            Role::Admin => (finance(&records, &orgs)),
        }
    };
    Ok(super::page("工作台", Some(&viewer), Nav::Home, body).into_response())
}

fn state_cards(records: &[FormRecord]) -> Markup {
    html! {
        section.cards aria-label="按状态统计" {
            a.card href="/forms" {
                span.card-label { "全部" }
                span.card-value { (records.len()) }
            }
            @for state in FormState::ALL {
                @let count = records.iter().filter(|r| r.state == state).count();
                a class=(format!("card card-{}", state.as_str())) href=(format!("/forms?state={}", state.as_str())) {
                    span.card-label { (state.label()) }
                    span.card-value { (count) }
                }
            }
        }
    }
}

/// The table of forms used on the dashboards.
fn table(records: &[&FormRecord], orgs: &Orgs, empty: &str, show_unit: bool) -> Markup {
    html! {
        @if records.is_empty() {
            p.empty { (empty) }
        } @else {
            table.data {
                thead { tr {
                    th scope="col" { "项目名称" }
                    @if show_unit { th scope="col" { "实施单位" } }
                    th scope="col" { "状态" }
                    th.num scope="col" { "上报总分" }
                    th.num scope="col" { "规则总分" }
                    th.num scope="col" title="规则总分减上报总分" { "差额" }
                    th.num scope="col" { "错误" }
                    th.num scope="col" { "警告" }
                    th scope="col" { "更新时间" }
                } }
                tbody {
                    @for record in records {
                        tr {
                            td { a href=(format!("/forms/{}", record.id)) { (record.summary.project) } }
                            @if show_unit { td { (orgs.name(record.unit)) } }
                            td { (badge(record.state)) }
                            td.num { (money(record.summary.reported_total.as_deref())) " " (grade(&record.summary.reported_grade)) }
                            td.num { (money(Some(&record.summary.rule_total))) " " (grade(&record.summary.rule_grade)) }
                            td.num { (gap(record).map_or_else(|| "—".to_owned(), signed)) }
                            td.num { (count(record.summary.errors, "err")) }
                            td.num { (count(record.summary.warnings, "warn")) }
                            td.time { (time(record.updated_at)) }
                        }
                    }
                }
            }
        }
    }
}

/// A findings count, tinted when not zero.
pub(crate) fn count(value: i64, kind: &str) -> Markup {
    html! {
        @if value == 0 { span.zero { "0" } } @else { span class=(format!("count {kind}")) { (value) } }
    }
}

fn filler(records: &[FormRecord]) -> Markup {
    let mut fixing: Vec<&FormRecord> = records
        .iter()
        .filter(|r| {
            r.state == FormState::Returned
                || (r.summary.errors > 0 && matches!(r.state, FormState::Draft))
        })
        .collect();
    fixing.sort_by_key(|r| (r.state != FormState::Returned, -r.summary.errors));
    let mut recent: Vec<&FormRecord> = records.iter().collect();
    recent.sort_by_key(|r| -r.updated_at);
    recent.truncate(8);
    let orgs = Orgs(Vec::new());
    html! {
        section.panel {
            h2 { "需要修改 " span.muted { "已退回，或草稿中有错误（" (fixing.len()) "）" } }
            (table(&fixing, &orgs, "没有需要修改的自评表。", false))
        }
        section.panel {
            h2 { "最近更新" }
            (table(&recent, &orgs, "还没有自评表，可从“导入”上传文档。", false))
        }
    }
}

fn reviewer(records: &[FormRecord], orgs: &Orgs) -> Markup {
    let mut waiting: Vec<&FormRecord> = records
        .iter()
        .filter(|r| r.state == FormState::Submitted)
        .collect();
    waiting.sort_by_key(|r| (-r.summary.errors, -r.summary.warnings, r.updated_at));
    html! {
        section.panel {
            h2 { "待审核 " span.muted { "已提交（" (waiting.len()) "），错误多的在前" } }
            (table(&waiting, orgs, "没有等待审核的自评表。", true))
        }
    }
}

fn finance(records: &[FormRecord], orgs: &Orgs) -> Markup {
    // Budget and execution.
    let budget: Decimal = records
        .iter()
        .filter_map(|r| decimal(r.summary.budget.as_deref()))
        .sum();
    let executed: Decimal = records
        .iter()
        .filter_map(|r| decimal(r.summary.executed.as_deref()))
        .sum();
    let rate = (!budget.is_zero()).then(|| executed / budget * Decimal::ONE_HUNDRED);
    let errors = records.iter().filter(|r| r.summary.errors > 0).count();

    // Forms by department.
    let mut departments: Vec<(i64, String, usize)> = Vec::new();
    for record in records {
        let department = orgs
            .get(record.unit)
            .and_then(|unit| unit.parent)
            .unwrap_or(record.unit);
        match departments.iter_mut().find(|(id, _, _)| *id == department) {
            Some(entry) => entry.2 += 1,
            None => departments.push((department, orgs.name(department).to_owned(), 1)),
        }
    }
    departments.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
    let department_bars: Vec<Bar> = departments
        .iter()
        .map(|(id, name, count)| Bar {
            label: name.clone(),
            value: *count as f64,
            text: format!("{count} 张"),
            href: Some(format!("/forms?org={id}")),
            tone: "",
        })
        .collect();

    // Grades, reported and under the rules.
    let grades = ["优", "良", "中", "差"];
    let pairs: Vec<(&str, usize, usize)> = grades
        .iter()
        .map(|g| {
            let reported = records
                .iter()
                .filter(|r| r.summary.reported_grade.trim() == *g)
                .count();
            let rule = records
                .iter()
                .filter(|r| r.summary.rule_grade.trim() == *g)
                .count();
            (*g, reported, rule)
        })
        .collect();

    // Largest gaps, rule − reported.
    let mut gaps: Vec<(&FormRecord, Decimal)> = records
        .iter()
        .filter_map(|r| gap(r).map(|g| (r, g)))
        .filter(|(_, g)| !g.is_zero())
        .collect();
    gaps.sort_by_key(|(_, gap)| std::cmp::Reverse(gap.abs()));
    gaps.truncate(10);
    let gap_bars: Vec<Bar> = gaps
        .iter()
        .map(|(record, value)| Bar {
            label: record.summary.project.clone(),
            value: value.abs().to_f64().unwrap_or(0.0),
            text: signed(*value),
            href: Some(format!("/forms/{}", record.id)),
            // Red where the form reports more than the rules give.
            tone: if value.is_sign_negative() {
                "over"
            } else {
                "under"
            },
        })
        .collect();
    let to_publish: Vec<&FormRecord> = records
        .iter()
        .filter(|r| r.state == FormState::Approved)
        .collect();

    html! {
        section.kpis aria-label="资金与质量" {
            div.kpi { span.kpi-label { "全年预算数（万元）" } span.kpi-value { (two_places(budget)) } }
            div.kpi { span.kpi-label { "全年执行数（万元）" } span.kpi-value { (two_places(executed)) } }
            div.kpi { span.kpi-label { "预算执行率" } span.kpi-value { (rate.map_or_else(|| "—".to_owned(), |r| format!("{}%", two_places(r)))) } }
            div.kpi { span.kpi-label { "有错误的自评表" } span.kpi-value { a href="/forms?errors=1" { (errors) } " / " (records.len()) } }
        }
        div.grid2 {
            section.panel {
                h2 { "各主管部门自评表数" }
                (charts::bars("各主管部门自评表数", &department_bars))
            }
            section.panel {
                h2 { "评分等级分布 " span.legend { span.swatch.reported {} "上报" span.swatch.rule {} "规则" } }
                (charts::paired("评分等级分布：上报与规则", &pairs))
            }
        }
        section.panel {
            h2 {
                "总分差额最大的项目 " span.muted { "规则总分 − 上报总分" }
                span.legend { span.swatch.over {} "上报高于规则" span.swatch.under {} "上报低于规则" }
            }
            (charts::bars("总分差额最大的项目", &gap_bars))
        }
        section.panel {
            h2 { "待公开 " span.muted { "已审核（" (to_publish.len()) "）" } }
            (table(&to_publish, orgs, "没有等待公开的自评表。", true))
        }
    }
}
