//! `/forms/{id}/edit`: the form editor. Every field of the canonical form is an input; the
//! indicator rows can be added, removed and moved. The page only lays out the inputs (each names
//! its JSON path in `data-path`) and carries the stored form's JSON; `assets/editor.js` fills the
//! inputs, rescores the form while the user types (`POST /api/v1/score`), and saves it through
//! `PUT /api/v1/forms/{id}` with the version it was loaded from. A stale save (409) shows what
//! changed on the server since and lets the user keep their edits on top of the new version or
//! discard them; nothing is ever overwritten silently.
//!
//! Only a user whom [`workflow::allows`] lets edit the form gets the editor; anyone else who may
//! read it gets a 403 page, and anyone who may not read it a 404 page.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jixiao_core::model::FundsSource;
use jixiao_core::workflow::{self, Action};
use jixiao_store::Store;
use maud::{Markup, html};

use super::{Nav, PageError, PageResult, Viewer, badge};
use crate::App;
use crate::api;

pub(crate) async fn page<S: Store + Clone>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> PageResult {
    render(&app, &viewer, id)
        .await
        .map_err(|error| error.seen_by(&viewer))
}

async fn render<S: Store + Clone>(app: &App<S>, viewer: &Viewer, id: i64) -> PageResult {
    let (record, orgs) = api::readable(app, &viewer.caller, id).await?;
    let owner = orgs.owner(record.unit);
    if !workflow::allows(
        &api::actor(&viewer.caller),
        Action::Edit,
        &owner,
        record.state,
    ) {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            format!(
                "该自评表当前为“{}”，{}角色不能修改。只有实施单位的填报人员可以修改草稿或已退回的自评表。",
                record.state.label(),
                viewer.caller.user.role.label()
            ),
        ));
    }
    let version = app.store.version(id, record.version).await?;

    let body = html! {
        nav.crumbs aria-label="位置" {
            a href="/forms" { "自评表" } " / "
            a href=(format!("/forms/{id}")) { (record.summary.project) } " / "
            span { "编辑" }
        }
        div.page-head.editor-head {
            h1 { "编辑自评表" }
            p.meta {
                (badge(record.state))
                span #ed-version { "基于第 " (record.version) " 版" }
                span #ed-status.ed-status role="status" aria-live="polite" { "尚未修改" }
            }
        }
        noscript { (super::notice("error", "编辑器需要启用浏览器的 JavaScript。")) }
        div #editor.editor
            data-id=(id)
            data-version=(record.version)
            data-form=(version.form_json)
        {
            div.editor-main {
                section #ed-conflict.panel.conflict hidden role="alertdialog" aria-labelledby="ed-conflict-title" {}
                section.panel {
                    h2 { "基本信息" }
                    div.ed-fields {
                        (text_field("year", "年度", "ed-year", true))
                        (text_field("project", "项目名称", "ed-project", false))
                        (text_field("department", "主管部门", "ed-department", false))
                        (text_field("implementing_unit", "实施单位", "ed-unit", false))
                    }
                }
                section.panel {
                    h2 { "项目资金 " span.muted { "（万元）" } }
                    table.data.compact.grid-edit.funds-edit {
                        thead { tr {
                            th scope="col" { "资金来源" }
                            th.num scope="col" { "年初预算数" }
                            th.num scope="col" { "全年预算数" }
                            th.num scope="col" { "全年执行数" }
                            th.num scope="col" { "执行率（%）" }
                        } }
                        tbody {
                            @for source in [FundsSource::Total, FundsSource::Appropriation, FundsSource::Carryover, FundsSource::Other] {
                                tr {
                                    th scope="row" { (source.label()) }
                                    @for (column, label) in [("initial", "年初预算数"), ("adjusted", "全年预算数"), ("executed", "全年执行数"), ("rate", "执行率")] {
                                        td { (cell(&format!("funds.{}.{column}", source.key()), &format!("{} {label}", source.label()), true)) }
                                    }
                                }
                            }
                        }
                    }
                    table.data.compact.grid-edit.execution-edit {
                        thead { tr {
                            th scope="col" { "预算执行率指标" }
                            th.num scope="col" { "分值" }
                            th.num scope="col" { "执行率（%）" }
                            th.num scope="col" { "得分" }
                            th.num scope="col" { "规则得分" }
                        } }
                        tbody { tr {
                            th scope="row" { "预算执行" }
                            td { (cell("execution.weight", "预算执行 分值", true)) }
                            td { (cell("execution.rate", "预算执行 执行率", true)) }
                            td { (cell("execution.score", "预算执行 得分", true)) }
                            td.num.rule-value #ed-rule-execution { "—" }
                        } }
                    }
                }
                section.panel {
                    h2 { "年度总体目标" }
                    div.ed-goals {
                        div.field {
                            label for="ed-goals-expected" { "预期目标" }
                            textarea #ed-goals-expected data-path="goals.expected" rows="4" {}
                        }
                        div.field {
                            label for="ed-goals-actual" { "实际完成情况" }
                            textarea #ed-goals-actual data-path="goals.actual" rows="4" {}
                        }
                    }
                }
                section.panel #ed-indicators data-path-anchor="indicators" {
                    h2 {
                        "绩效指标 "
                        span.muted.small { "Tab 逐格移动，Enter 移到下一行、Shift+Enter 移到上一行，Alt+↑/↓ 上下移动当前指标" }
                    }
                    div.table-scroll {
                        table.data.compact.grid-edit.indicators-edit {
                            colgroup {
                                col.c-no; col.c-level; col.c-level; col.c-name; col.c-target; col.c-target;
                                col.c-num; col.c-num; col.c-rule; col.c-note; col.c-actions;
                            }
                            thead { tr {
                                th.num scope="col" { "序号" }
                                th scope="col" { "一级指标" }
                                th scope="col" { "二级指标" }
                                th scope="col" { "三级指标" }
                                th scope="col" { "年度指标值" }
                                th scope="col" { "实际完成值" }
                                th.num scope="col" { "分值" }
                                th.num scope="col" { "得分" }
                                th.num scope="col" title="按规则计算的得分或得分区间" { "规则得分" }
                                th scope="col" { "偏差原因分析及改进措施" }
                                th scope="col" { "操作" }
                            } }
                            tbody #ed-rows {}
                        }
                    }
                    button.secondary #ed-add type="button" { "＋ 添加指标" }
                }
                section.panel {
                    h2 { "总分与等级" }
                    table.data.compact.grid-edit.total-edit {
                        thead { tr {
                            th scope="col" {}
                            th.num scope="col" { "分值" }
                            th.num scope="col" { "得分" }
                            th scope="col" { "评分等级" }
                        } }
                        tbody { tr {
                            th scope="row" { "总分" }
                            td { (cell("total.weight", "总分 分值", true)) }
                            td { (cell("total.score", "总分 得分", true)) }
                            td {
                                select #ed-grade data-path="grade" aria-label="评分等级" {
                                    @for grade in ["", "优", "良", "中", "差"] {
                                        option value=(grade) { @if grade.is_empty() { "（未填）" } @else { (grade) } }
                                    }
                                }
                            }
                        } }
                    }
                }
                div.panel.save-bar.editor-save {
                    div.field.inline {
                        label for="ed-note" { "修改说明" }
                        input #ed-note type="text" placeholder="修改" maxlength="200";
                    }
                    button.primary #ed-save type="button" { "保存" }
                    a.button.secondary #ed-back href=(format!("/forms/{id}")) { "返回自评表" }
                    span.muted.small { "Ctrl+S 保存" }
                }
            }
            aside.editor-side aria-label="实时计算与审核发现" {
                section.panel.ed-score {
                    h2 { "实时计算 " span #ed-busy.muted.small {} }
                    table.scorebox aria-label="总分与等级" {
                        thead { tr { th {} th.num scope="col" { "总分" } th scope="col" { "等级" } } }
                        tbody {
                            tr { th scope="row" { "上报" } td.num #ed-reported-total { "—" } td #ed-reported-grade { "—" } }
                            tr.rule { th scope="row" { "规则" } td.num #ed-rule-total { "—" } td #ed-rule-grade { "—" } }
                            tr.gapline { th scope="row" { "差额" } td.num #ed-gap { "—" } td #ed-grade-match {} }
                        }
                    }
                }
                section.panel.side-findings.ed-findings {
                    h2 {
                        "审核发现 "
                        span.counts {
                            span.count.err #ed-count-error { "0" }
                            span.count.warn #ed-count-warning { "0" }
                            span.count.info #ed-count-info { "0" }
                        }
                    }
                    div #ed-findings { p.muted { "正在计算…" } }
                }
            }
        }
        script src="/assets/editor.js" defer {}
    };
    let title = format!("编辑 · {}", record.summary.project);
    Ok(super::page_with(&title, Some(viewer), Nav::Forms, false, body).into_response())
}

/// A labelled input of the basic information.
fn text_field(path: &str, label: &str, id: &str, numeric: bool) -> Markup {
    html! {
        div.field class=[numeric.then_some("narrow")] {
            label for=(id) { (label) }
            input id=(id) type="text" data-path=(path)
                data-kind=[numeric.then_some("int")]
                inputmode=[numeric.then_some("numeric")];
        }
    }
}

/// A number input of a table.
fn cell(path: &str, label: &str, numeric: bool) -> Markup {
    html! {
        input type="text" data-path=(path) aria-label=(label)
            data-kind=[numeric.then_some("num")]
            inputmode=[numeric.then_some("decimal")]
            class=[numeric.then_some("num")];
    }
}
