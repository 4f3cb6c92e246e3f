//! `/admin` (the finance bureau's administrators only): the organisation tree and the users, each
//! with a form to add one. `/account` (anyone logged in): who they are and their own API tokens,
//! created (the secret shown once), listed and revoked.
//!
//! The writes check the hidden CSRF field, then call the API's handlers, so the rights and the
//! checks (`api::require_admin`, the tree's shape, password length) are the API's.

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jixiao_core::workflow::{OrgKind, Role};
use jixiao_store::{Org, Store};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::{Nav, PageError, PageResult, Viewer, notice, see_other, time};
use crate::App;
use crate::api::{self, NewOrgBody, NewUserBody, TokenBody};
use crate::error::ApiError;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DoneQuery {
    done: String,
}

/// What a failed write shows: the error and what the user had typed.
#[derive(Default)]
struct Typed {
    status: Option<StatusCode>,
    error: Option<String>,
    org_name: String,
    login: String,
    user_name: String,
}

// ---------------------------------------------------------------------------------------------
// /admin

pub(crate) async fn page<S: Store + Clone>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let done = match query.done.as_str() {
        "org" => Some("机构已添加。"),
        "user" => Some("用户已添加。"),
        _ => None,
    };
    render_admin(&app, &viewer, done, Typed::default())
        .await
        .map_err(|error| error.seen_by(&viewer))
}

async fn render_admin<S: Store + Clone>(
    app: &App<S>,
    viewer: &Viewer,
    done: Option<&str>,
    typed: Typed,
) -> PageResult {
    api::require_admin(&viewer.caller)
        .map_err(|_| PageError::new(StatusCode::FORBIDDEN, "只有财政管理员可以管理机构和用户。"))?;
    let orgs = app.store.orgs().await?;
    let Json(users) = api::users(State(app.clone()), viewer.caller.clone()).await?;
    let users: Vec<Value> = users["users"].as_array().cloned().unwrap_or_default();
    let roots: Vec<&Org> = orgs.iter().filter(|org| org.parent.is_none()).collect();
    let parents: Vec<&Org> = orgs
        .iter()
        .filter(|org| org.kind != OrgKind::Unit)
        .collect();
    let body = html! {
        div.page-head { h1 { "系统管理" } p.muted { "机构、用户与 API 令牌" } }
        @if let Some(error) = &typed.error { (notice("error", error)) }
        @if let Some(done) = done { (notice("ok", done)) }
        div.grid2 {
            section.panel #orgs {
                h2 { "机构 " span.muted { "（" (orgs.len()) "）" } }
                @if roots.is_empty() {
                    p.empty { "尚无机构。" }
                } @else {
                    ul.org-tree { @for root in &roots { (org_node(root, &orgs, 0)) } }
                }
                h3 { "添加机构" }
                form.admin-form method="post" action="/admin/orgs" {
                    input type="hidden" name="_csrf" value=(viewer.csrf);
                    div.field {
                        label for="org-name" { "名称" }
                        input #org-name type="text" name="name" value=(typed.org_name) required;
                    }
                    div.field {
                        label for="org-kind" { "类型" }
                        select #org-kind name="kind" {
                            @for kind in OrgKind::ALL { option value=(kind_name(kind)) selected[kind == OrgKind::Unit] { (kind.label()) } }
                        }
                    }
                    div.field {
                        label for="org-parent" { "上级机构" }
                        select #org-parent name="parent" {
                            option value="" { "（无：财政局）" }
                            @for org in &parents { option value=(org.id) { (org.name) "（" (org.kind.label()) "）" } }
                        }
                        p.hint { "主管部门的上级为财政局，实施单位的上级为主管部门。" }
                    }
                    button.primary type="submit" { "添加机构" }
                }
            }
            section.panel #users {
                h2 { "用户 " span.muted { "（" (users.len()) "）" } }
                table.data.compact {
                    thead { tr {
                        th scope="col" { "用户名" }
                        th scope="col" { "姓名" }
                        th scope="col" { "机构" }
                        th scope="col" { "角色" }
                    } }
                    tbody {
                        @for user in &users {
                            tr {
                                td { code { (user["login"].as_str().unwrap_or_default()) } }
                                td { (user["name"].as_str().unwrap_or_default()) }
                                td { (user["org_name"].as_str().unwrap_or_default()) }
                                td { span.role-tag { (user["role_label"].as_str().unwrap_or_default()) } }
                            }
                        }
                    }
                }
                h3 { "添加用户" }
                form.admin-form method="post" action="/admin/users" {
                    input type="hidden" name="_csrf" value=(viewer.csrf);
                    div.field {
                        label for="user-login" { "用户名" }
                        input #user-login type="text" name="login" value=(typed.login) required autocomplete="off";
                    }
                    div.field {
                        label for="user-name" { "姓名" }
                        input #user-name type="text" name="name" value=(typed.user_name) required;
                    }
                    div.field {
                        label for="user-org" { "机构" }
                        select #user-org name="org" required {
                            @for org in &orgs { option value=(org.id) { (org.name) "（" (org.kind.label()) "）" } }
                        }
                    }
                    div.field {
                        label for="user-role" { "角色" }
                        select #user-role name="role" {
                            @for role in Role::ALL { option value=(role.as_str()) { (role.label()) } }
                        }
                        p.hint { "填报：实施单位填写与提交；审核：主管部门审核；财政：财政局公开与管理。" }
                    }
                    div.field {
                        label for="user-password" { "初始密码" }
                        input #user-password type="password" name="password" required minlength=(api::MIN_PASSWORD) autocomplete="new-password";
                        p.hint { "至少 " (api::MIN_PASSWORD) " 个字符。" }
                    }
                    button.primary type="submit" { "添加用户" }
                }
            }
        }
        section.panel {
            h2 { "API 令牌" }
            p { "您本人的 API 令牌在 " a href="/account" { "我的账户" } " 中管理。" }
        }
    };
    Ok((
        typed.status.unwrap_or(StatusCode::OK),
        super::page("系统管理", Some(viewer), Nav::Admin, body),
    )
        .into_response())
}

fn kind_name(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::Finance => "finance",
        OrgKind::Department => "department",
        OrgKind::Unit => "unit",
    }
}

fn org_node(org: &Org, orgs: &[Org], depth: usize) -> Markup {
    let children: Vec<&Org> = orgs
        .iter()
        .filter(|child| child.parent == Some(org.id))
        .collect();
    html! {
        li {
            span class=(format!("org-kind k-{}", kind_name(org.kind))) { (org.kind.label()) }
            " " (org.name)
            @if !children.is_empty() && depth < 8 {
                ul { @for child in children { (org_node(child, orgs, depth + 1)) } }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct OrgForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    name: String,
    kind: String,
    parent: String,
}

pub(crate) async fn add_org<S: Store + Clone>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Form(form): Form<OrgForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let kind = match form.kind.as_str() {
        "finance" => OrgKind::Finance,
        "department" => OrgKind::Department,
        _ => OrgKind::Unit,
    };
    let body = NewOrgBody {
        name: form.name.clone(),
        kind,
        parent: form.parent.parse().ok(),
    };
    match api::create_org(State(app.clone()), viewer.caller.clone(), Json(body)).await {
        Ok(_) => Ok(see_other("/admin?done=org#orgs")),
        Err(error) => {
            failed_admin(&app, &viewer, error, || Typed {
                org_name: form.name,
                ..Typed::default()
            })
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct UserForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    login: String,
    name: String,
    org: String,
    role: String,
    password: String,
}

pub(crate) async fn add_user<S: Store + Clone>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Form(form): Form<UserForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let typed = || Typed {
        login: form.login.clone(),
        user_name: form.name.clone(),
        ..Typed::default()
    };
    let (Ok(org), Some(role)) = (form.org.parse::<i64>(), Role::parse(&form.role)) else {
        return failed_admin(&app, &viewer, ApiError::invalid("请选择机构和角色"), typed).await;
    };
    let body = NewUserBody {
        login: form.login.clone(),
        name: form.name.clone(),
        org,
        role,
        password: form.password.clone(),
    };
    match api::create_user(State(app.clone()), viewer.caller.clone(), Json(body)).await {
        Ok(_) => Ok(see_other("/admin?done=user#users")),
        Err(error) => failed_admin(&app, &viewer, error, typed).await,
    }
}

async fn failed_admin<S: Store + Clone>(
    app: &App<S>,
    viewer: &Viewer,
    error: ApiError,
    typed: impl FnOnce() -> Typed,
) -> PageResult {
    if error.status == StatusCode::FORBIDDEN {
        return Err(PageError::new(error.status, error.message).seen_by(viewer));
    }
    let typed = Typed {
        status: Some(error.status),
        error: Some(error.message),
        ..typed()
    };
    render_admin(app, viewer, None, typed)
        .await
        .map_err(|error| error.seen_by(viewer))
}

// ---------------------------------------------------------------------------------------------
// /account

pub(crate) async fn account<S: Store + Clone>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let done = (query.done == "revoked").then_some("令牌已吊销，使用它的程序将无法再访问。");
    render_account(&app, &viewer, done, None, StatusCode::OK)
        .await
        .map_err(|error| error.seen_by(&viewer))
}

/// A token just made: its name and secret, shown once.
struct NewSecret {
    name: String,
    secret: String,
}

async fn render_account<S: Store + Clone>(
    app: &App<S>,
    viewer: &Viewer,
    done: Option<&str>,
    created: Option<Result<NewSecret, String>>,
    status: StatusCode,
) -> PageResult {
    let Json(tokens) = api::tokens(State(app.clone()), viewer.caller.clone()).await?;
    let tokens: Vec<Value> = tokens["tokens"].as_array().cloned().unwrap_or_default();
    let user = &viewer.caller.user;
    let body = html! {
        div.page-head { h1 { "我的账户" } }
        @if let Some(done) = done { (notice("ok", done)) }
        @if let Some(Err(error)) = &created { (notice("error", error)) }
        section.panel {
            h2 { "账户信息" }
            dl.facts {
                dt { "用户名" } dd { code { (user.login) } }
                dt { "姓名" } dd { (user.name) }
                dt { "机构" } dd { (viewer.org_name) }
                dt { "角色" } dd { (user.role.label()) }
            }
        }
        section.panel #tokens {
            h2 { "API 令牌 " span.muted { "（" (tokens.len()) "）" } }
            p.muted.small { "程序可用令牌代替密码调用 API：请求头 Authorization: Bearer 令牌。令牌拥有您本人的全部权限，请妥善保管；不再使用时请吊销。" }
            @if let Some(Ok(new)) = &created {
                div.notice.ok.secret role="status" {
                    p { "已新建令牌“" (new.name) "”。请立即复制保存，该令牌只显示这一次：" }
                    p { code #new-token.token-secret { (new.secret) } }
                }
            }
            @if tokens.is_empty() {
                p.empty { "尚未创建令牌。" }
            } @else {
                table.data.compact {
                    thead { tr { th scope="col" { "名称" } th scope="col" { "创建时间" } th scope="col" { "操作" } } }
                    tbody {
                        @for token in &tokens {
                            @let id = token["id"].as_i64().unwrap_or_default();
                            tr {
                                td { (token["name"].as_str().unwrap_or_default()) }
                                td.time { (time(token["created_at"].as_i64().unwrap_or_default())) }
                                td {
                                    form.inline method="post" action=(format!("/account/tokens/{id}/revoke")) {
                                        input type="hidden" name="_csrf" value=(viewer.csrf);
                                        button.danger.small type="submit" data-confirm="吊销后使用该令牌的程序将无法访问。确认吊销？" { "吊销" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h3 { "新建令牌" }
            form.admin-form.token-form method="post" action="/account/tokens" {
                input type="hidden" name="_csrf" value=(viewer.csrf);
                div.field.inline {
                    label for="token-name" { "用途" }
                    input #token-name type="text" name="name" placeholder="例如：年度汇总脚本" required maxlength="100";
                    button.primary type="submit" { "新建令牌" }
                }
            }
        }
    };
    Ok((
        status,
        super::page("我的账户", Some(viewer), Nav::Account, body),
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct TokenForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    name: String,
}

pub(crate) async fn create_token<S: Store + Clone>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Form(form): Form<TokenForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let name = form.name.trim().to_owned();
    let (status, created) = if name.is_empty() {
        (StatusCode::BAD_REQUEST, Err("请填写令牌的用途".to_owned()))
    } else {
        match api::create_token(
            State(app.clone()),
            viewer.caller.clone(),
            Json(TokenBody { name: name.clone() }),
        )
        .await
        {
            Ok((status, Json(token))) => (
                status,
                Ok(NewSecret {
                    name,
                    secret: token["token"].as_str().unwrap_or_default().to_owned(),
                }),
            ),
            Err(error) => (error.status, Err(error.message)),
        }
    };
    render_account(&app, &viewer, None, Some(created), status)
        .await
        .map_err(|error| error.seen_by(&viewer))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CsrfOnly {
    #[serde(rename = "_csrf")]
    csrf: String,
}

pub(crate) async fn revoke_token<S: Store + Clone>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let _revoked = api::delete_token(State(app), viewer.caller.clone(), Path(id))
        .await
        .map_err(|error| PageError::from(error).seen_by(&viewer))?;
    Ok(see_other("/account?done=revoked#tokens"))
}
