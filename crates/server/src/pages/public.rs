//! `/public`: published (已公开) forms for everyone, no login: by year and organisation, each
//! in the official layout and as PDF or XLSX. Anything not published is a 404 here, whoever asks.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use jixiao_core::workflow::{OrgKind, State as FormState};
use jixiao_render::Item;
use jixiao_store::{FormFilter, FormRecord, Store};
use maud::html;
use serde::Deserialize;

use super::{MaybeViewer, Nav, PageError, PageResult, all_records, grade, money, trusted};
use crate::App;
use crate::api;
use crate::service::{self, Orgs};

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PublicQuery {
    year: String,
    org: String,
    q: String,
}

pub(crate) async fn list<S: Store + Clone>(
    State(app): State<App<S>>,
    MaybeViewer(viewer): MaybeViewer,
    Query(query): Query<PublicQuery>,
) -> PageResult {
    let orgs = Orgs(app.store.orgs().await?);
    let published = all_records(
        &app,
        FormFilter {
            states: vec![FormState::Published],
            ..FormFilter::default()
        },
    )
    .await?;
    let mut years: Vec<i32> = published.iter().map(|r| r.summary.year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let department_of = |record: &FormRecord| {
        orgs.get(record.unit)
            .and_then(|unit| unit.parent)
            .unwrap_or(record.unit)
    };
    let mut departments: Vec<i64> = published.iter().map(department_of).collect();
    departments.sort_unstable();
    departments.dedup();
    let org: Option<i64> = query.org.parse().ok();
    let year: Option<i32> = query.year.parse().ok();
    let search = query.q.trim();
    let mut shown: Vec<&FormRecord> = published
        .iter()
        .filter(|r| year.is_none_or(|y| r.summary.year == y))
        .filter(|r| org.is_none_or(|o| orgs.owner(r.unit).is_under(o)))
        .filter(|r| search.is_empty() || r.summary.project.contains(search))
        .collect();
    shown.sort_by(|a, b| {
        b.summary
            .year
            .cmp(&a.summary.year)
            .then_with(|| orgs.name(department_of(a)).cmp(orgs.name(department_of(b))))
            .then_with(|| orgs.name(a.unit).cmp(orgs.name(b.unit)))
            .then_with(|| a.summary.project.cmp(&b.summary.project))
    });
    // Groups of (year, department).
    let mut groups: Vec<((i32, i64), Vec<&FormRecord>)> = Vec::new();
    for record in shown {
        let key = (record.summary.year, department_of(record));
        match groups.last_mut() {
            Some((last, list)) if *last == key => list.push(record),
            _ => groups.push((key, vec![record])),
        }
    }
    let body = html! {
        div.page-head {
            h1 { "公开的绩效自评表" }
            p.muted { "各单位已公开的财政项目支出绩效自评表，无需登录即可查看与下载。" }
        }
        form.filters method="get" action="/public" role="search" aria-label="筛选公开的自评表" {
            div.field {
                label for="p-q" { "项目名称" }
                input #p-q type="search" name="q" value=(query.q) placeholder="输入关键字";
            }
            div.field {
                label for="p-year" { "年度" }
                select #p-year name="year" {
                    option value="" { "全部" }
                    @for y in &years { option value=(y) selected[year == Some(*y)] { (y) } }
                }
            }
            div.field {
                label for="p-org" { "主管部门" }
                select #p-org name="org" {
                    option value="" { "全部" }
                    @for id in &departments {
                        @if orgs.get(*id).is_some_and(|o| o.kind == OrgKind::Department) {
                            option value=(id) selected[org == Some(*id)] { (orgs.name(*id)) }
                        }
                    }
                }
            }
            div.field.actions {
                button.primary type="submit" { "查询" }
                a.button.secondary href="/public" { "清除" }
            }
        }
        @if groups.is_empty() {
            p.empty { "暂无已公开的自评表。" }
        }
        @for ((year, department), records) in &groups {
            section.panel.public-group {
                h2 { (year) " 年度 · " (orgs.name(*department)) span.muted { "（" (records.len()) " 张）" } }
                table.data {
                    thead { tr {
                        th scope="col" { "项目名称" }
                        th scope="col" { "实施单位" }
                        th.num scope="col" { "全年预算数（万元）" }
                        th.num scope="col" { "全年执行数（万元）" }
                        th.num scope="col" { "自评总分 / 等级" }
                        th scope="col" { "下载" }
                    } }
                    tbody {
                        @for record in records {
                            tr {
                                td { a href=(format!("/public/forms/{}", record.id)) { (record.summary.project) } }
                                td { (orgs.name(record.unit)) }
                                td.num { (money(record.summary.budget.as_deref())) }
                                td.num { (money(record.summary.executed.as_deref())) }
                                td.num { (money(record.summary.reported_total.as_deref())) " " (grade(&record.summary.reported_grade)) }
                                td.downloads {
                                    a href=(format!("/public/forms/{}/export/pdf", record.id)) { "PDF" }
                                    " · "
                                    a href=(format!("/public/forms/{}/export/xlsx", record.id)) { "Excel" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(super::page("公开查询", viewer.as_ref(), Nav::Public, body).into_response())
}

/// A published form's record; anything else is a 404.
async fn published<S: Store + Clone>(app: &App<S>, id: i64) -> PageResult<FormRecord> {
    match app.store.form(id).await {
        Ok(record) if record.state == FormState::Published => Ok(record),
        Ok(_) | Err(jixiao_store::StoreError::NotFound) => Err(PageError::not_found()),
        Err(error) => Err(error.into()),
    }
}

pub(crate) async fn form<S: Store + Clone>(
    State(app): State<App<S>>,
    MaybeViewer(viewer): MaybeViewer,
    Path(id): Path<i64>,
) -> PageResult {
    let record = published(&app, id).await?;
    let orgs = Orgs(app.store.orgs().await?);
    let version = app.store.version(id, record.version).await?;
    let form = service::form_of(&version.form_json).ok_or_else(PageError::not_found)?;
    let sheet = jixiao_render::html::form(
        Item {
            form: &form,
            audit: None,
        },
        1,
    );
    let body = html! {
        nav.crumbs aria-label="位置" { a href="/public" { "公开查询" } " / " span { (record.summary.project) } }
        div.page-head.form-page-head {
            div {
                h1 { (record.summary.project) }
                p.meta {
                    span { (orgs.name(record.unit)) }
                    span { (form.department) }
                    span { (record.summary.year) " 年度" }
                }
            }
            div.downloads.no-print {
                a.button.secondary href=(format!("/public/forms/{id}/export/pdf")) { "下载 PDF" }
                a.button.secondary href=(format!("/public/forms/{id}/export/xlsx")) { "下载 Excel" }
                button.secondary type="button" data-print="1" { "打印" }
            }
        }
        div.sheet.public-sheet { (trusted(sheet)) }
    };
    Ok(super::page_with(
        &record.summary.project,
        viewer.as_ref(),
        Nav::Public,
        true,
        body,
    )
    .into_response())
}

pub(crate) async fn export<S: Store + Clone>(
    State(app): State<App<S>>,
    Path((id, format)): Path<(i64, String)>,
) -> PageResult {
    if !matches!(format.as_str(), "pdf" | "xlsx") {
        return Err(PageError::not_found());
    }
    let record = published(&app, id).await?;
    let version = app.store.version(id, record.version).await?;
    let form = service::form_of(&version.form_json).ok_or_else(PageError::not_found)?;
    let profile = app.profile.clone();
    let pdf = app.pdf.clone();
    let rendered =
        tokio::task::spawn_blocking(move || api::render(&form, &profile, &pdf, &format, false))
            .await
            .map_err(|_| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "导出失败"))??;
    let (content_type, extension, bytes) = rendered;
    let disposition = format!("attachment; filename=\"form-{id}.{extension}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
