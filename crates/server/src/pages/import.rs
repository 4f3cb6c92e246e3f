//! `/import`: upload a document in any format the importers read, preview the forms it holds
//! with their rule totals and findings counts and the import's errors and warnings, then save
//! the ones chosen. The preview carries each form's canonical JSON in a hidden field, so saving
//! needs no state on the server; every saved form is rescored, as through the API.

use axum::extract::{Form, Multipart, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jixiao_core::model::Form as SelfEvaluation;
use jixiao_core::workflow::{OrgKind, Role};
use jixiao_store::Store;
use maud::{Markup, html};

use super::dashboard::count;
use super::{Nav, PageError, PageResult, Viewer, grade, money, notice};
use crate::App;
use crate::api;
use crate::service::{self, Orgs};

fn upload_form(viewer: &Viewer) -> Markup {
    html! {
        form.upload method="post" action="/import" enctype="multipart/form-data" {
            input type="hidden" name="_csrf" value=(viewer.csrf);
            div.field {
                label for="import-file" { "自评表文档" }
                input #import-file type="file" name="file" required aria-describedby="import-hint";
                p.hint #import-hint { "可导入的格式由系统按内容识别：规范 JSON，或自评表文本版式（公开 PDF 提取的制表符分隔文本，UTF-8 或 GB18030）。一个文档可含多张自评表，最大 32 MB。" }
            }
            button.primary type="submit" { "上传并预览" }
        }
    }
}

pub(crate) async fn page(viewer: Viewer) -> PageResult {
    let body = html! {
        div.page-head { h1 { "导入" } p.muted { "上传后先预览：每张表的规则总分与审核发现，确认后选择要保存的表。" } }
        @if viewer.caller.user.role == Role::Reviewer {
            (notice("info", "审核角色可以预览文档的审核结果，但不能保存自评表。"))
        }
        section.panel { (upload_form(&viewer)) }
    };
    Ok(super::page("导入", Some(&viewer), Nav::Import, body).into_response())
}

pub(crate) async fn preview<S: Store + Clone>(
    State(app): State<App<S>>,
    viewer: Viewer,
    multipart: Multipart,
) -> PageResult {
    read_and_preview(&app, &viewer, multipart)
        .await
        .map_err(|error| error.seen_by(&viewer))
}

async fn read_and_preview<S: Store + Clone>(
    app: &App<S>,
    viewer: &Viewer,
    mut multipart: Multipart,
) -> PageResult {
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(|_| {
        PageError::new(
            StatusCode::BAD_REQUEST,
            "上传的内容无法读取，请重新选择文件",
        )
    })? {
        match field.name() {
            Some("_csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or("上传的文档").to_owned();
                let bytes = field.bytes().await.map_err(|_| {
                    PageError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "文档过大或上传中断（最大 32 MB）",
                    )
                })?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    viewer.check_csrf(&csrf)?;
    let Some((name, bytes)) = file.filter(|(_, bytes)| !bytes.is_empty()) else {
        return Err(PageError::new(
            StatusCode::BAD_REQUEST,
            "请选择要上传的文档",
        ));
    };
    let file_name = name.clone();
    let imported = tokio::task::spawn_blocking(move || {
        jixiao_import::read_document(&bytes).in_file(file_name)
    })
    .await
    .map_err(|_| PageError::new(StatusCode::BAD_REQUEST, "无法读取该文档"))?;

    let orgs = Orgs(app.store.orgs().await?);
    let role = viewer.caller.user.role;
    let units: Vec<(i64, String)> = orgs
        .0
        .iter()
        .filter(|o| o.kind == OrgKind::Unit && orgs.owner(o.id).is_under(viewer.caller.user.org))
        .map(|o| (o.id, o.name.clone()))
        .collect();
    let rows: Vec<(usize, &SelfEvaluation, jixiao_store::Summary, String)> = imported
        .forms
        .iter()
        .enumerate()
        .map(|(index, form)| {
            let version =
                service::version_of(form, &app.profile, viewer.caller.user.id, String::new());
            let json = serde_json::to_string(form).unwrap_or_default();
            (index, form, version.summary, json)
        })
        .collect();
    let can_save = role != Role::Reviewer && !rows.is_empty();

    let body = html! {
        div.page-head {
            h1 { "导入预览" }
            p.muted { (name) " · 读出 " (rows.len()) " 张自评表" @if !imported.errors.is_empty() { "，" (imported.errors.len()) " 张无法读取" } }
        }
        @if !imported.errors.is_empty() {
            section.panel.import-errors {
                h2 { "无法读取的表（" (imported.errors.len()) "）" }
                ul.messages.error { @for error in &imported.errors { li { (error.to_string()) } } }
            }
        }
        @if !imported.warnings.is_empty() {
            details.panel.import-warnings open[imported.warnings.len() <= 8] {
                summary { h2 { "导入提示（" (imported.warnings.len()) "）" } }
                ul.messages.warning { @for warning in &imported.warnings { li { (warning.to_string()) } } }
            }
        }
        @if rows.is_empty() {
            (notice("error", "该文档中没有读出自评表。请确认文档为财政项目支出绩效自评表。"))
        } @else {
            form method="post" action="/import/save" {
                input type="hidden" name="_csrf" value=(viewer.csrf);
                table.data.import {
                    thead { tr {
                        @if can_save { th scope="col" { input #pick-all type="checkbox" checked aria-label="全选"; } }
                        th.num scope="col" { "序号" }
                        th scope="col" { "项目名称" }
                        th scope="col" { "实施单位" }
                        th.num scope="col" { "年度" }
                        th.num scope="col" { "上报总分 / 等级" }
                        th.num scope="col" { "规则总分 / 等级" }
                        th.num scope="col" { "错误" }
                        th.num scope="col" { "警告" }
                    } }
                    tbody {
                        @for (index, form, summary, json) in &rows {
                            tr {
                                @if can_save {
                                    td {
                                        input.pick type="checkbox" name="pick" value=(index) checked id=(format!("pick-{index}"));
                                        input type="hidden" name=(format!("form{index}")) value=(json);
                                    }
                                }
                                td.num { (index + 1) }
                                td { label for=(format!("pick-{index}")) { (form.project) } }
                                td { (form.implementing_unit) }
                                td.num { (form.year) }
                                td.num { (money(summary.reported_total.as_deref())) " " (grade(&summary.reported_grade)) }
                                td.num { (money(Some(&summary.rule_total))) " " (grade(&summary.rule_grade)) }
                                td.num { (count(summary.errors, "err")) }
                                td.num { (count(summary.warnings, "warn")) }
                            }
                        }
                    }
                }
                @if can_save {
                    div.save-bar {
                        @if role == Role::Admin {
                            div.field.inline {
                                label for="import-unit" { "保存到实施单位" }
                                select #import-unit name="unit" {
                                    option value="" { "按表中“实施单位”匹配" }
                                    @for (id, name) in &units { option value=(id) { (name) } }
                                }
                            }
                        } @else {
                            p.muted { "保存为 " strong { (viewer.org_name) } " 的草稿。" }
                        }
                        button.primary type="submit" { "保存所选" }
                        a.button.secondary href="/import" { "重新上传" }
                    }
                } @else if role == Role::Reviewer {
                    (notice("info", "审核角色不能保存自评表。"))
                }
            }
        }
        @if rows.is_empty() { section.panel { (upload_form(viewer)) } }
    };
    Ok(super::page("导入预览", Some(viewer), Nav::Import, body).into_response())
}

pub(crate) async fn save<S: Store + Clone>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    save_chosen(&app, &viewer, &fields)
        .await
        .map_err(|error| error.seen_by(&viewer))
}

async fn save_chosen<S: Store + Clone>(
    app: &App<S>,
    viewer: &Viewer,
    fields: &[(String, String)],
) -> PageResult {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    };
    viewer.check_csrf(field("_csrf"))?;
    if viewer.caller.user.role == Role::Reviewer {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "审核角色不能导入保存自评表",
        ));
    }
    let asked = field("unit").parse::<i64>().ok();
    let picks: Vec<&str> = fields
        .iter()
        .filter(|(key, _)| key == "pick")
        .map(|(_, value)| value.as_str())
        .collect();
    if picks.is_empty() {
        return Err(PageError::new(
            StatusCode::BAD_REQUEST,
            "没有选择要保存的自评表",
        ));
    }
    let orgs = Orgs(app.store.orgs().await?);
    let mut to_save = Vec::new();
    let mut failed = Vec::new();
    for pick in picks {
        let text = field(&format!("form{pick}"));
        let form = match jixiao_core::json::from_str::<SelfEvaluation>(text) {
            Ok(form) => form,
            Err(error) => {
                failed.push((format!("第{pick}张"), format!("自评表 JSON 有误：{error}")));
                continue;
            }
        };
        match api::unit_for(&viewer.caller, &orgs, asked, &form) {
            Ok(unit) => {
                let version = service::version_of(
                    &form,
                    &app.profile,
                    viewer.caller.user.id,
                    "导入".to_owned(),
                );
                to_save.push((unit, version));
            }
            Err(error) => failed.push((form.project.clone(), error.message)),
        }
    }
    // The chosen forms are saved in one transaction: all of them or none.
    let store = app.store.clone();
    let saved = api::detached(async move { store.create_forms(to_save).await }).await?;
    let status = if saved.is_empty() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::CREATED
    };
    let body = html! {
        div.page-head { h1 { "导入结果" } p.muted { "已保存 " (saved.len()) " 张" @if !failed.is_empty() { "，" (failed.len()) " 张未保存" } } }
        @if !saved.is_empty() {
            section.panel {
                h2 { "已保存为草稿" }
                table.data {
                    thead { tr { th scope="col" { "项目名称" } th scope="col" { "实施单位" } th.num scope="col" { "规则总分 / 等级" } th.num scope="col" { "错误" } th.num scope="col" { "警告" } } }
                    tbody {
                        @for record in &saved {
                            tr {
                                td { a href=(format!("/forms/{}", record.id)) { (record.summary.project) } }
                                td { (orgs.name(record.unit)) }
                                td.num { (money(Some(&record.summary.rule_total))) " " (grade(&record.summary.rule_grade)) }
                                td.num { (count(record.summary.errors, "err")) }
                                td.num { (count(record.summary.warnings, "warn")) }
                            }
                        }
                    }
                }
            }
        }
        @if !failed.is_empty() {
            section.panel {
                h2 { "未保存" }
                ul.messages.error { @for (project, message) in &failed { li { strong { (project) } "：" (message) } } }
            }
        }
        p { a.button.primary href="/forms" { "查看自评表" } " " a.button.secondary href="/import" { "继续导入" } }
    };
    Ok((
        status,
        super::page("导入结果", Some(viewer), Nav::Import, body),
    )
        .into_response())
}
