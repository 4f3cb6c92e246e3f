//! `/forms/{id}`: the official layout with the findings highlighted, the findings beside it
//! (a click scrolls to and flashes the cell), the reported and rule totals, the workflow
//! buttons the viewer's role allows, comments, version history with a diff, and exports.
//!
//! The two writes (`/forms/{id}/move`, `/forms/{id}/comments`) check the hidden CSRF field,
//! then call the API's handlers, so the policy and the checks are the API's.

use std::collections::{BTreeMap, BTreeSet};

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jixiao_core::finding::Severity;
use jixiao_core::workflow::{Role, State as FormState, Transition};
use jixiao_render::Item;
use jixiao_render::layout;
use jixiao_store::{FormRecord, Store, UserId};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::{
    Nav, PageError, PageResult, Viewer, badge, grade, money, notice, see_other, signed, time,
    trusted,
};
use crate::App;
use crate::api::{self, CommentBody, TransitionBody};
use crate::diff;
use crate::error::ApiResult;
use crate::service;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DetailQuery {
    from: String,
    to: String,
    done: String,
}

/// What a failed write shows: the error and what the user had typed.
struct Failed {
    status: StatusCode,
    message: String,
    comment: String,
}

pub(crate) async fn page<S: Store + Clone>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<DetailQuery>,
) -> PageResult {
    render(&app, &viewer, id, &query, None)
        .await
        .map_err(|error| error.seen_by(&viewer))
}

async fn names<S: Store + Clone>(
    app: &App<S>,
    ids: impl IntoIterator<Item = UserId>,
) -> BTreeMap<UserId, String> {
    let mut names = BTreeMap::new();
    for id in ids.into_iter().collect::<BTreeSet<_>>() {
        if let Ok(user) = app.store.user(id).await {
            names.insert(id, user.name);
        }
    }
    names
}

async fn render<S: Store + Clone>(
    app: &App<S>,
    viewer: &Viewer,
    id: i64,
    query: &DetailQuery,
    failed: Option<Failed>,
) -> PageResult {
    let (record, orgs) = api::readable(app, &viewer.caller, id).await?;
    let version = app.store.version(id, record.version).await?;
    let form = service::form_of(&version.form_json).ok_or_else(|| {
        PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "该版本的自评表无法读取")
    })?;
    let audit = jixiao_core::audit::audit(&form, &app.profile);
    let marked = layout::layout(&form, Some(&audit));
    let sheet = jixiao_render::html::form(
        Item {
            form: &form,
            audit: Some(&audit),
        },
        1,
    );
    let rights = api::rights_json(&viewer.caller, &record, &orgs);
    let versions = app.store.versions(id).await?;
    let comments = app.store.comments(id).await?;
    let actions = app.store.actions(Some(id), 100).await?;
    let authors = names(
        app,
        versions
            .iter()
            .map(|v| v.author)
            .chain(comments.iter().map(|c| c.author))
            .chain(actions.iter().filter_map(|a| a.user)),
    )
    .await;

    // The diff between two versions, when asked.
    let diff = match (query.from.parse::<i64>(), query.to.parse::<i64>()) {
        (Ok(from), Ok(to)) => {
            let before = app.store.version(id, from).await?;
            let after = app.store.version(id, to).await?;
            let (changes, scale_only): (Vec<Value>, Vec<Value>) = diff::changes(
                &api::parse_stored(&before.form_json),
                &api::parse_stored(&after.form_json),
            )
            .into_iter()
            .partition(|change| !same_number(&change["before"], &change["after"]));
            Some((from, to, changes, scale_only.len()))
        }
        _ => None,
    };

    let transitions: Vec<Transition> = rights["transitions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str().and_then(Transition::parse))
        .collect();
    let may_comment = rights["comment"].as_bool().unwrap_or(false);
    let may_edit = rights["edit"].as_bool().unwrap_or(false);
    let status = failed.as_ref().map_or(StatusCode::OK, |f| f.status);
    let typed = failed.as_ref().map_or("", |f| f.comment.as_str());
    let done = match query.done.as_str() {
        "submit" => Some("已提交，等待主管部门审核。"),
        "return" => Some("已退回填报单位。"),
        "approve" => Some("已审核通过。"),
        "publish" => Some("已公开，所有人可在公开查询中查看。"),
        "comment" => Some("意见已添加。"),
        _ => None,
    };
    let department = orgs
        .get(record.unit)
        .and_then(|unit| unit.parent)
        .map(|parent| orgs.name(parent).to_owned())
        .unwrap_or_default();
    let count = |severity: Severity| {
        marked
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    let with_marker: BTreeSet<usize> = marked
        .rows
        .iter()
        .flat_map(|row| &row.cells)
        .flat_map(|cell| cell.findings.iter().copied())
        .collect();

    let body = html! {
        nav.crumbs aria-label="位置" { a href="/forms" { "自评表" } " / " span { (record.summary.project) } }
        div.page-head.form-page-head {
            div {
                h1 { (record.summary.project) }
                p.meta {
                    (badge(record.state))
                    span { "第 " (record.version) " 版" }
                    span { (orgs.name(record.unit)) }
                    @if !department.is_empty() { span { (department) } }
                    span { (record.summary.year) " 年度" }
                    span.muted { "更新于 " (time(record.updated_at)) }
                }
            }
            (score_box(&record))
        }
        @if let Some(failed) = &failed { (notice("error", &failed.message)) }
        @if let Some(done) = done { (notice("ok", done)) }
        div.form-layout {
            div.form-main {
                div.sheet { (trusted(sheet)) }
                section.panel #comments {
                    h2 { "意见 " span.muted { "（" (comments.len()) "）" } }
                    @if comments.is_empty() {
                        p.empty { "暂无意见。" }
                    } @else {
                        ol.comments {
                            @for comment in &comments {
                                li {
                                    div.comment-head {
                                        strong { (authors.get(&comment.author).map_or("—", String::as_str)) }
                                        span.muted { "第 " (comment.version) " 版 · " (time(comment.created_at)) }
                                    }
                                    p { (comment.body) }
                                }
                            }
                        }
                    }
                    @if may_comment {
                        form.comment-form method="post" action=(format!("/forms/{id}/comments")) {
                            input type="hidden" name="_csrf" value=(viewer.csrf);
                            div.field {
                                label for="comment-body" { "添加意见" }
                                textarea #comment-body name="body" rows="3" required {}
                            }
                            button.secondary type="submit" { "发表意见" }
                        }
                    }
                }
                section.panel #versions {
                    h2 { "版本历史 " span.muted { "（" (versions.len()) "）" } }
                    form method="get" action=(format!("/forms/{id}")) {
                        table.data.compact {
                            thead { tr {
                                th.num scope="col" { "版本" }
                                th scope="col" { "保存人" }
                                th scope="col" { "说明" }
                                th scope="col" { "时间" }
                                th scope="col" { "比较：自" }
                                th scope="col" { "至" }
                            } }
                            tbody {
                                @for version in versions.iter().rev() {
                                    @let from_default = diff.as_ref().map_or(version.number == record.version - 1, |d| d.0 == version.number);
                                    @let to_default = diff.as_ref().map_or(version.number == record.version, |d| d.1 == version.number);
                                    tr {
                                        td.num { (version.number) }
                                        td { (authors.get(&version.author).map_or("—", String::as_str)) }
                                        td { (version.note) }
                                        td.time { (time(version.created_at)) }
                                        td { input type="radio" name="from" value=(version.number) checked[from_default] aria-label=(format!("从第{}版比较", version.number)); }
                                        td { input type="radio" name="to" value=(version.number) checked[to_default] aria-label=(format!("比较到第{}版", version.number)); }
                                    }
                                }
                            }
                        }
                        @if versions.len() > 1 {
                            button.secondary type="submit" { "比较所选版本" }
                        }
                    }
                    @if let Some((from, to, changes, scale_only)) = &diff {
                        div #diff.diff {
                            h3 {
                                "第 " (from) " 版 → 第 " (to) " 版：" (changes.len()) " 处不同"
                                @if *scale_only > 0 { span.muted.small { "（另有 " (scale_only) " 处仅小数位数不同，未列出）" } }
                            }
                            @if changes.is_empty() {
                                p.empty { "两个版本内容相同。" }
                            } @else {
                                table.data.compact {
                                    thead { tr { th scope="col" { "位置" } th scope="col" { "修改前" } th scope="col" { "修改后" } } }
                                    tbody {
                                        @for change in changes {
                                            tr {
                                                td { (path_label(change["path"].as_str().unwrap_or_default())) }
                                                td.before { (shown(&change["before"])) }
                                                td.after { (shown(&change["after"])) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                section.panel #log {
                    h2 { "操作记录" }
                    @if actions.is_empty() {
                        p.empty { "暂无记录。" }
                    } @else {
                        table.data.compact {
                            thead { tr { th scope="col" { "时间" } th scope="col" { "操作人" } th scope="col" { "操作" } th scope="col" { "说明" } } }
                            tbody {
                                @for action in &actions {
                                    tr {
                                        td.time { (time(action.at)) }
                                        td { (action.user.and_then(|u| authors.get(&u)).map_or("系统", String::as_str)) }
                                        td { (action_label(&action.action)) }
                                        td { (action.detail) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            aside.form-side aria-label="操作与审核发现" {
                section.panel.side-actions {
                    h2 { "流程操作" }
                    @if may_edit {
                        p.edit-link { a.button.primary #edit-form href=(format!("/forms/{id}/edit")) { "编辑自评表" } }
                    }
                    @if transitions.is_empty() {
                        p.muted.small { (no_action(viewer, record.state)) }
                    } @else {
                        form #move-form method="post" action=(format!("/forms/{id}/move")) {
                            input type="hidden" name="_csrf" value=(viewer.csrf);
                            div.field {
                                label for="move-comment" {
                                    "意见"
                                    @if transitions.contains(&Transition::Return) { span.muted { "（退回时必填）" } }
                                }
                                textarea #move-comment name="comment" rows="3" { (typed) }
                            }
                            div.buttons {
                                @for transition in &transitions {
                                    button type="submit" name="transition" value=(transition.as_str())
                                        class=(match transition { Transition::Return => "danger", _ => "primary" })
                                        data-needs-comment=[transition.needs_comment().then_some("1")]
                                        data-confirm=[(*transition == Transition::Publish).then_some("公开后所有人都可以查看该自评表，且不能再修改。确认公开？")] {
                                        (transition.label())
                                    }
                                }
                            }
                        }
                    }
                }
                section.panel.side-exports {
                    h2 { "导出" }
                    ul.exports {
                        li { a href=(format!("/api/v1/forms/{id}/export/pdf")) { "PDF" } }
                        li { a href=(format!("/api/v1/forms/{id}/export/xlsx")) { "Excel" } }
                        li { a href=(format!("/api/v1/forms/{id}/export/html")) { "HTML" } }
                        li { a href=(format!("/api/v1/forms/{id}/export/html?audit=true")) { "HTML（含审核发现）" } }
                        li { a href=(format!("/api/v1/forms/{id}/export/json")) { "JSON" } }
                        li { button.link type="button" data-print="1" { "打印" } }
                    }
                }
                section.panel.side-findings {
                    h2 {
                        "审核发现 "
                        span.counts {
                            span.count.err { "错误 " (count(Severity::Error)) }
                            span.count.warn { "警告 " (count(Severity::Warning)) }
                            span.count.info { "提示 " (count(Severity::Info)) }
                        }
                    }
                    @if marked.findings.is_empty() {
                        p.ok-text { "未发现问题：各项数值与规则计算一致。" }
                    } @else {
                        ol.side-list {
                            @for (index, finding) in marked.findings.iter().enumerate() {
                                @let n = index + 1;
                                li class=(format!("finding {}", severity_class(finding.severity))) id=(format!("side-f-{n}")) {
                                    @if with_marker.contains(&index) {
                                        a.finding-link href=(format!("#m-1-{n}")) data-marker=(format!("m-1-{n}")) {
                                            (finding_body(n, finding))
                                        }
                                    } @else {
                                        div.finding-link { (finding_body(n, finding)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = record.summary.project.clone();
    Ok((
        status,
        super::page_with(&title, Some(viewer), Nav::Forms, true, body),
    )
        .into_response())
}

fn finding_body(n: usize, finding: &layout::Marked) -> Markup {
    html! {
        span.no { (n) }
        span.sev { (finding.severity.label()) }
        span.text {
            span.place { (finding.place) }
            span.msg { (finding.message) }
            code { (finding.code.as_str()) }
        }
    }
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "sev-error",
        Severity::Warning => "sev-warning",
        Severity::Info => "sev-info",
    }
}

/// The reported and rule totals side by side.
fn score_box(record: &FormRecord) -> Markup {
    let summary = &record.summary;
    let gap = super::gap(record);
    let differs = summary.reported_grade.trim() != summary.rule_grade.trim();
    html! {
        table.scorebox aria-label="总分与等级" {
            thead { tr { th {} th.num scope="col" { "总分" } th scope="col" { "等级" } } }
            tbody {
                tr { th scope="row" { "上报" } td.num { (money(summary.reported_total.as_deref())) } td { (grade(&summary.reported_grade)) } }
                tr.rule { th scope="row" { "规则" } td.num { (money(Some(&summary.rule_total))) } td { (grade(&summary.rule_grade)) } }
                tr.gapline {
                    th scope="row" title="规则总分减上报总分" { "差额" span.muted.small { "（规则−上报）" } }
                    td.num class=[gap.filter(|g| !g.is_zero()).map(|_| "off")] { (gap.map_or_else(|| "—".to_owned(), signed)) }
                    td { @if differs { span.differs { "等级不符" } } @else { span.muted { "一致" } } }
                }
            }
        }
    }
}

fn no_action(viewer: &Viewer, state: FormState) -> &'static str {
    match (viewer.caller.user.role, state) {
        (Role::Filler, FormState::Submitted) => "已提交，等待主管部门审核。",
        (Role::Filler, FormState::Approved) => "已审核通过，等待财政公开。",
        (_, FormState::Published) => "已公开，不能再修改。",
        (Role::Reviewer, FormState::Draft | FormState::Returned) => {
            "单位尚未提交，暂无可执行的操作。"
        }
        (Role::Reviewer, FormState::Approved) => "已审核通过，等待财政公开。",
        _ => "当前状态下您没有可执行的操作。",
    }
}

fn action_label(action: &str) -> &str {
    match action {
        "create" => "新建",
        "save" => "保存",
        "submit" => "提交",
        "return" => "退回",
        "approve" => "审核通过",
        "publish" => "公开",
        "comment" => "意见",
        other => other,
    }
}

/// Whether two JSON values are the same number written with a different scale (`30.20`, `30.2`).
fn same_number(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => {
            let a = a.to_string().parse::<rust_decimal::Decimal>();
            let b = b.to_string().parse::<rust_decimal::Decimal>();
            matches!((a, b), (Ok(a), Ok(b)) if a == b)
        }
        _ => false,
    }
}

/// A JSON value of a diff as text.
fn shown(value: &Value) -> String {
    match value {
        Value::Null => "（空）".to_owned(),
        Value::String(text) if text.is_empty() => "（空）".to_owned(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A JSON path of the canonical form in the form's own words: `indicators[2].score` is
/// “第3项指标 · 得分”.
pub(crate) fn path_label(path: &str) -> String {
    let mut words = Vec::new();
    let mut in_funds = false;
    for segment in path.split('.') {
        let (key, index) = match segment.split_once('[') {
            Some((key, rest)) => (key, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (segment, None),
        };
        let word = match (key, in_funds) {
            ("year", _) => "年度",
            ("project", _) => "项目名称",
            ("department", _) => "主管部门",
            ("implementing_unit", _) => "实施单位",
            ("funds", _) => {
                in_funds = true;
                "项目资金"
            }
            ("total", true) => "年度资金总额",
            ("total", false) => "总分",
            ("appropriation", _) => "当年财政拨款",
            ("carryover", _) => "上年结转资金",
            ("other", _) => "其他资金",
            ("initial", _) => "年初预算数",
            ("adjusted", _) => "全年预算数",
            ("executed", _) => "全年执行数",
            ("rate", _) => "执行率",
            ("execution", _) => "预算执行",
            ("weight", _) => "分值",
            ("score", _) => "得分",
            ("goals", _) => "年度总体目标",
            ("expected", _) => "预期目标",
            ("actual", _) => "实际完成",
            ("indicators", _) => "绩效指标",
            ("level1", _) => "一级指标",
            ("level2", _) => "二级指标",
            ("name", _) => "三级指标",
            ("target", _) => "年度指标值",
            ("note", _) => "偏差原因分析及改进措施",
            ("grade", _) => "评分等级",
            (other, _) => other,
        };
        words.push(word.to_owned());
        if let Some(index) = index {
            words.push(format!("第{}项", index + 1));
        }
    }
    words.join(" · ")
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct MoveForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    transition: String,
    comment: String,
}

pub(crate) async fn transition<S: Store + Clone>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let body = TransitionBody {
        transition: form.transition.clone(),
        comment: Some(form.comment.clone()),
    };
    let written = api::transition(
        State(app.clone()),
        viewer.caller.clone(),
        Path(id),
        Json(body),
    )
    .await
    .map(drop);
    let done = format!("/forms/{id}?done={}", form.transition);
    answer_write(&app, &viewer, id, written, &done, form.comment).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CommentForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    body: String,
}

pub(crate) async fn comment<S: Store + Clone>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<CommentForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let body = CommentBody {
        body: form.body.clone(),
    };
    let written = api::add_comment(
        State(app.clone()),
        viewer.caller.clone(),
        Path(id),
        Json(body),
    )
    .await
    .map(drop);
    let done = format!("/forms/{id}?done=comment#comments");
    answer_write(&app, &viewer, id, written, &done, String::new()).await
}

/// The answer to a write posted from the form page: on to `done`; a form the viewer may not see
/// is a 404 page; any other refusal shows the form page again with the message and the comment
/// the viewer had typed.
async fn answer_write<S: Store + Clone>(
    app: &App<S>,
    viewer: &Viewer,
    id: i64,
    written: ApiResult<()>,
    done: &str,
    comment: String,
) -> PageResult {
    match written {
        Ok(()) => Ok(see_other(done)),
        Err(error) if error.status == StatusCode::NOT_FOUND => {
            Err(PageError::not_found().seen_by(viewer))
        }
        Err(error) => {
            let failed = Failed {
                status: error.status,
                message: error.message,
                comment,
            };
            render(app, viewer, id, &DetailQuery::default(), Some(failed))
                .await
                .map_err(|error| error.seen_by(viewer))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::path_label;

    #[test]
    fn paths_read_as_the_form_does() {
        assert_eq!(path_label("indicators[2].score"), "绩效指标 · 第3项 · 得分");
        assert_eq!(
            path_label("funds.total.executed"),
            "项目资金 · 年度资金总额 · 全年执行数"
        );
        assert_eq!(path_label("total.score"), "总分 · 得分");
    }
}
