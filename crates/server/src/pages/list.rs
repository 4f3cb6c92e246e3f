//! `/forms`: the list, with filters (year, organisation, state, grade, errors), search by
//! project name, sorting and pagination. The store selects by the viewer's visibility and the
//! filters; sorting other than by time is done here over the selection.

use axum::extract::{Query, State};
use axum::response::IntoResponse;
use jixiao_core::workflow::{OrgKind, Role, State as FormState};
use jixiao_store::{FormFilter, FormRecord, Store};
use maud::{Markup, html};
use serde::Deserialize;

use super::dashboard::count;
use super::{
    Nav, PageResult, Viewer, all_records, badge, decimal, encode, gap, grade, money, signed, time,
};
use crate::App;
use crate::service::Orgs;

/// Rows per page.
const PER_PAGE: usize = 20;

/// The list's query; every field is text, since an empty select sends `year=`.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct ListQuery {
    year: String,
    org: String,
    state: String,
    grade: String,
    errors: String,
    q: String,
    sort: String,
    dir: String,
    page: String,
}

impl ListQuery {
    /// The query string with some fields replaced.
    fn with(&self, changes: &[(&str, &str)]) -> String {
        let fields = [
            ("year", &self.year),
            ("org", &self.org),
            ("state", &self.state),
            ("grade", &self.grade),
            ("errors", &self.errors),
            ("q", &self.q),
            ("sort", &self.sort),
            ("dir", &self.dir),
            ("page", &self.page),
        ];
        let mut parts = Vec::new();
        for (name, value) in fields {
            let value = changes
                .iter()
                .find(|(changed, _)| *changed == name)
                .map_or(value.as_str(), |(_, value)| *value);
            if !value.is_empty() {
                parts.push(format!("{name}={}", encode(value)));
            }
        }
        if parts.is_empty() {
            "/forms".to_owned()
        } else {
            format!("/forms?{}", parts.join("&"))
        }
    }
}

const SORTS: [(&str, &str); 5] = [
    ("updated", "更新时间"),
    ("project", "项目名称"),
    ("rule", "规则总分"),
    ("gap", "差额（绝对值）"),
    ("errors", "错误数"),
];

pub(crate) async fn page<S: Store + Clone>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let orgs = Orgs(app.store.orgs().await?);
    let visible = orgs.visible_units(&viewer.caller.user);
    // Everything visible, for the filters' choices (years).
    let everything = all_records(
        &app,
        FormFilter {
            units: visible.clone(),
            ..FormFilter::default()
        },
    )
    .await?;
    let mut years: Vec<i32> = everything.iter().map(|r| r.summary.year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();

    let units = orgs.visible_units_under(&viewer.caller.user, query.org.parse::<i64>().ok());
    let filter = FormFilter {
        units,
        year: query.year.parse().ok(),
        states: FormState::parse(&query.state).into_iter().collect(),
        rule_grade: Some(query.grade.clone()).filter(|g| !g.is_empty()),
        has_errors: match query.errors.as_str() {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        },
        search: Some(query.q.trim().to_owned()).filter(|q| !q.is_empty()),
        offset: 0,
        limit: 500,
    };
    let mut records = all_records(&app, filter).await?;
    let sort = SORTS
        .iter()
        .find(|(key, _)| *key == query.sort)
        .map_or("updated", |(key, _)| *key);
    let descending = match query.dir.as_str() {
        "asc" => false,
        "desc" => true,
        _ => sort != "project",
    };
    sort_records(&mut records, sort);
    if descending {
        records.reverse();
    }
    let total = records.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let current = query.page.parse::<usize>().unwrap_or(1).clamp(1, pages);
    let shown: Vec<&FormRecord> = records
        .iter()
        .skip((current - 1) * PER_PAGE)
        .take(PER_PAGE)
        .collect();

    // The organisations a viewer may narrow to: those at or under their own.
    let org_choices: Vec<(i64, String, bool)> = orgs
        .0
        .iter()
        .filter(|o| o.kind != OrgKind::Finance)
        .filter(|o| {
            viewer.caller.user.role == Role::Admin
                || orgs.owner(o.id).is_under(viewer.caller.user.org)
                || o.id == viewer.caller.user.org
        })
        .map(|o| (o.id, o.name.clone(), o.kind == OrgKind::Unit))
        .collect();
    let show_org_filter = viewer.caller.user.role != Role::Filler && org_choices.len() > 1;

    let body = html! {
        div.page-head {
            h1 { "自评表" }
            p.muted { "共 " (total) " 张" @if total != everything.len() { "（全部 " (everything.len()) " 张）" } }
        }
        form.filters method="get" action="/forms" role="search" aria-label="筛选自评表" {
            div.field {
                label for="f-q" { "项目名称" }
                input #f-q type="search" name="q" value=(query.q) placeholder="输入关键字";
            }
            div.field {
                label for="f-year" { "年度" }
                select #f-year name="year" {
                    option value="" { "全部" }
                    @for year in &years {
                        option value=(year) selected[query.year == year.to_string()] { (year) }
                    }
                }
            }
            @if show_org_filter {
                div.field {
                    label for="f-org" { "机构" }
                    select #f-org name="org" {
                        option value="" { "全部" }
                        @for (id, name, is_unit) in &org_choices {
                            option value=(id) selected[query.org == id.to_string()] {
                                @if *is_unit { "\u{3000}" } (name)
                            }
                        }
                    }
                }
            }
            div.field {
                label for="f-state" { "状态" }
                select #f-state name="state" {
                    option value="" { "全部" }
                    @for state in FormState::ALL {
                        option value=(state.as_str()) selected[query.state == state.as_str()] { (state.label()) }
                    }
                }
            }
            div.field {
                label for="f-grade" { "规则等级" }
                select #f-grade name="grade" {
                    option value="" { "全部" }
                    @for g in ["优", "良", "中", "差"] {
                        option value=(g) selected[query.grade == g] { (g) }
                    }
                }
            }
            div.field {
                label for="f-errors" { "错误" }
                select #f-errors name="errors" {
                    option value="" { "全部" }
                    option value="1" selected[query.errors == "1"] { "有错误" }
                    option value="0" selected[query.errors == "0"] { "无错误" }
                }
            }
            div.field {
                label for="f-sort" { "排序" }
                select #f-sort name="sort" {
                    @for (key, label) in SORTS {
                        option value=(key) selected[sort == key] { (label) }
                    }
                }
            }
            input type="hidden" name="dir" value=(query.dir);
            div.field.actions {
                button.primary type="submit" { "查询" }
                a.button.secondary href="/forms" { "清除" }
            }
        }
        @if shown.is_empty() {
            p.empty { "没有符合条件的自评表。" }
        } @else {
            table.data.forms {
                thead { tr {
                    (sort_header(&query, sort, descending, "project", "项目名称", false))
                    th scope="col" { "实施单位" }
                    th scope="col" { "状态" }
                    th.num scope="col" { "上报总分 / 等级" }
                    (sort_header(&query, sort, descending, "rule", "规则总分 / 等级", true))
                    (sort_header(&query, sort, descending, "gap", "差额（规则−上报）", true))
                    (sort_header(&query, sort, descending, "errors", "错误", true))
                    th.num scope="col" { "警告" }
                    (sort_header(&query, sort, descending, "updated", "更新时间", false))
                } }
                tbody {
                    @for record in &shown {
                        tr {
                            td.project {
                                a href=(format!("/forms/{}", record.id)) { (record.summary.project) }
                                span.year { (record.summary.year) "年度" }
                            }
                            td.unit { (orgs.name(record.unit)) }
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
            (pagination(&query, current, pages))
        }
    };
    Ok(super::page("自评表", Some(&viewer), Nav::Forms, body).into_response())
}

fn sort_records(records: &mut [FormRecord], sort: &str) {
    match sort {
        "project" => records.sort_by(|a, b| a.summary.project.cmp(&b.summary.project)),
        "rule" => records.sort_by_key(|r| decimal(Some(&r.summary.rule_total))),
        "gap" => records.sort_by_key(|r| gap(r).map(|g| g.abs())),
        "errors" => records.sort_by_key(|r| (r.summary.errors, r.summary.warnings)),
        _ => records.sort_by_key(|r| (r.updated_at, r.id)),
    }
}

fn sort_header(
    query: &ListQuery,
    sort: &str,
    descending: bool,
    key: &str,
    label: &str,
    numeric: bool,
) -> Markup {
    let active = sort == key;
    let next_dir = if active && descending { "asc" } else { "desc" };
    let next_dir = if !active && key == "project" {
        "asc"
    } else {
        next_dir
    };
    let href = query.with(&[("sort", key), ("dir", next_dir), ("page", "")]);
    let aria = if !active {
        "none"
    } else if descending {
        "descending"
    } else {
        "ascending"
    };
    html! {
        th.num[numeric] scope="col" aria-sort=(aria) {
            a.sort href=(href) {
                (label)
                @if active { span.arrow aria-hidden="true" { @if descending { " ▼" } @else { " ▲" } } }
            }
        }
    }
}

fn pagination(query: &ListQuery, current: usize, pages: usize) -> Markup {
    html! {
        @if pages > 1 {
            nav.pages aria-label="分页" {
                @if current > 1 {
                    a href=(query.with(&[("page", &(current - 1).to_string())])) { "上一页" }
                }
                @for number in 1..=pages {
                    @if number == current {
                        span.current aria-current="page" { (number) }
                    } @else if number == 1 || number == pages || number.abs_diff(current) <= 2 {
                        a href=(query.with(&[("page", &number.to_string())])) { (number) }
                    } @else if number.abs_diff(current) == 3 {
                        span.gap { "…" }
                    }
                }
                @if current < pages {
                    a href=(query.with(&[("page", &(current + 1).to_string())])) { "下一页" }
                }
                span.muted { "第 " (current) " / " (pages) " 页" }
            }
        }
    }
}
