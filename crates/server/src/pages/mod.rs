//! Server-rendered pages: the same binary serves the browser interface beside the JSON API.
//!
//! Templates are `maud` (compile-time checked, every interpolation escaped). Pages read through
//! the API's helpers (`api::readable`, `api::rights_json`, `service::Orgs`), so every form a page
//! shows has passed [`jixiao_core::workflow::allows`] exactly as in the API: a form the user may
//! not read is a 404 page.
//!
//! Writes are plain HTML forms POSTing to page handlers. Each carries the session's CSRF token in
//! a hidden `_csrf` field, checked against the session before anything else (the cookie is also
//! `SameSite=Strict`); the handlers then call the API's own handlers, so the rules are one.
//! Stylesheets and the one small script are compiled in (`include_str!`); nothing is fetched
//! from elsewhere.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jixiao_core::workflow::State as FormState;
use jixiao_store::{FormFilter, FormRecord, Millis, Store, now};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use rust_decimal::Decimal;

use crate::App;
use crate::api::IMPORT_LIMIT;
use crate::auth::{self, Caller, Credential};
use crate::error::ApiError;
use crate::service::Orgs;

pub(crate) use jixiao_core::rounding::signed;

mod account;
mod admin;
mod charts;
mod dashboard;
mod detail;
mod editor;
mod import;
mod list;
mod public;

/// The pages' routes, merged into the application's router.
pub fn router<S: Store + Clone>() -> Router<App<S>> {
    Router::new()
        .route("/", get(dashboard::page::<S>))
        .route("/login", get(account::login_page).post(account::login::<S>))
        .route("/logout", post(account::logout::<S>))
        .route("/forms", get(list::page::<S>))
        .route("/forms/{id}", get(detail::page::<S>))
        .route("/forms/{id}/edit", get(editor::page::<S>))
        .route("/forms/{id}/move", post(detail::transition::<S>))
        .route("/forms/{id}/comments", post(detail::comment::<S>))
        .route(
            "/import",
            get(import::page)
                .post(import::preview::<S>)
                .layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(
            "/import/save",
            post(import::save::<S>).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/admin", get(admin::page::<S>))
        .route("/admin/orgs", post(admin::add_org::<S>))
        .route("/admin/users", post(admin::add_user::<S>))
        .route("/account", get(admin::account::<S>))
        .route("/account/tokens", post(admin::create_token::<S>))
        .route(
            "/account/tokens/{id}/revoke",
            post(admin::revoke_token::<S>),
        )
        .route("/public", get(public::list::<S>))
        .route("/public/forms/{id}", get(public::form::<S>))
        .route(
            "/public/forms/{id}/export/{format}",
            get(public::export::<S>),
        )
        .route("/assets/{name}", get(asset))
}

// ---------------------------------------------------------------------------------------------
// Assets

const APP_CSS: &str = include_str!("../../assets/app.css");
const APP_JS: &str = include_str!("../../assets/app.js");
const EDITOR_JS: &str = include_str!("../../assets/editor.js");

/// The official form's stylesheet, taken from the renderer's own page so the two never drift,
/// without its page-level rules (`html`, `body`, `*`): the pages own those.
static FORM_CSS: LazyLock<String> = LazyLock::new(|| {
    let page = jixiao_render::html::document(&[]);
    let css = page
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map_or("", |(css, _)| css);
    css.lines()
        .filter(|line| {
            !["html ", "body ", "* ", "  html, body "]
                .iter()
                .any(|p| line.starts_with(p))
        })
        .collect::<Vec<_>>()
        .join("\n")
});

async fn asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    let (content_type, body) = match name.as_str() {
        "app.css" => ("text/css; charset=utf-8", APP_CSS),
        "form.css" => ("text/css; charset=utf-8", FORM_CSS.as_str()),
        "app.js" => ("text/javascript; charset=utf-8", APP_JS),
        "editor.js" => ("text/javascript; charset=utf-8", EDITOR_JS),
        _ => return PageError::not_found().into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// Who is looking

/// A logged-in user of the pages (a session cookie; pages take no API tokens).
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    /// The caller, as the API's handlers take it.
    pub caller: Caller,
    /// The session's CSRF token, for the hidden fields of the page's forms.
    pub csrf: String,
    /// The name of the user's organisation.
    pub org_name: String,
}

impl Viewer {
    /// Refuses a page write whose hidden `_csrf` field is not the session's token.
    pub fn check_csrf(&self, sent: &str) -> Result<(), PageError> {
        if !sent.is_empty() && sent == self.csrf {
            Ok(())
        } else {
            Err(PageError::new(
                StatusCode::FORBIDDEN,
                "请求缺少有效的安全令牌，请刷新页面后重试",
            ))
        }
    }
}

async fn find_viewer<S: Store + Clone>(
    parts: &Parts,
    app: &App<S>,
) -> Result<Option<Viewer>, PageError> {
    let Some(token) = auth::session_token(parts) else {
        return Ok(None);
    };
    let hash = auth::token_hash(token);
    let Some(session) = app.store.session(&hash, now()).await? else {
        return Ok(None);
    };
    let orgs = Orgs(app.store.orgs().await?);
    let org_name = orgs.name(session.user.org).to_owned();
    Ok(Some(Viewer {
        caller: Caller {
            user: session.user,
            credential: Credential::Session {
                token_hash: hash,
                csrf: session.csrf.clone(),
            },
        },
        csrf: session.csrf,
        org_name,
    }))
}

impl<S: Store + Clone> FromRequestParts<App<S>> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App<S>) -> Result<Viewer, Response> {
        match find_viewer(parts, app).await {
            Ok(Some(viewer)) => Ok(viewer),
            Ok(None) => {
                let next = parts.uri.path_and_query().map_or("/", |path| path.as_str());
                let target = if next == "/" {
                    "/login".to_owned()
                } else {
                    format!("/login?next={}", encode(next))
                };
                Err(Redirect::to(&target).into_response())
            }
            Err(error) => Err(error.into_response()),
        }
    }
}

/// A viewer if someone is logged in (for public pages).
pub(crate) struct MaybeViewer(pub Option<Viewer>);

impl<S: Store + Clone> FromRequestParts<App<S>> for MaybeViewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App<S>) -> Result<MaybeViewer, Response> {
        find_viewer(parts, app)
            .await
            .map(MaybeViewer)
            .map_err(IntoResponse::into_response)
    }
}

// ---------------------------------------------------------------------------------------------
// Errors

/// An error answered as an HTML page.
#[derive(Debug)]
pub(crate) struct PageError {
    pub status: StatusCode,
    pub message: String,
    /// Who was looking, for the top bar of the error page.
    pub viewer: Option<Box<Viewer>>,
}

impl PageError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> PageError {
        PageError {
            status,
            message: message.into(),
            viewer: None,
        }
    }

    /// The same error, shown with the viewer's top bar.
    pub fn seen_by(mut self, viewer: &Viewer) -> PageError {
        self.viewer = Some(Box::new(viewer.clone()));
        self
    }

    pub fn not_found() -> PageError {
        PageError::new(
            StatusCode::NOT_FOUND,
            "找不到该页面，或您无权查看该自评表。",
        )
    }
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> PageError {
        if error.status == StatusCode::NOT_FOUND {
            PageError::not_found()
        } else {
            PageError::new(error.status, error.message)
        }
    }
}

impl From<jixiao_store::StoreError> for PageError {
    fn from(error: jixiao_store::StoreError) -> PageError {
        PageError::from(ApiError::from(error))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let title = match self.status {
            StatusCode::NOT_FOUND => "未找到",
            StatusCode::FORBIDDEN => "无权操作",
            status if status.is_server_error() => "服务器错误",
            _ => "请求有误",
        };
        let body = html! {
            div.error-page {
                h1 { (title) }
                p { (self.message) }
                p { a.button href="/" { "返回工作台" } " " a.button.secondary href="/public" { "公开的自评表" } }
            }
        };
        (
            self.status,
            page(title, self.viewer.as_deref(), Nav::None, body),
        )
            .into_response()
    }
}

/// The page answered for an address nothing serves.
pub(crate) fn not_found() -> Response {
    PageError::new(StatusCode::NOT_FOUND, "没有这个页面。").into_response()
}

/// The result of a page handler.
pub(crate) type PageResult<T = Response> = Result<T, PageError>;

// ---------------------------------------------------------------------------------------------
// The page around every body

/// Which item of the navigation is current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nav {
    Home,
    Forms,
    Import,
    Public,
    Admin,
    Account,
    Login,
    None,
}

/// A whole page: the top bar (product, navigation, who is logged in, 退出) and the body.
pub(crate) fn page(title: &str, viewer: Option<&Viewer>, nav: Nav, body: Markup) -> Html<String> {
    page_with(title, viewer, nav, false, body)
}

/// A whole page; `form_css` adds the official form's stylesheet.
pub(crate) fn page_with(
    title: &str,
    viewer: Option<&Viewer>,
    nav: Nav,
    form_css: bool,
    body: Markup,
) -> Html<String> {
    let item = |target: Nav, href: &'static str, label: &'static str| {
        html! {
            a href=(href) aria-current=[(nav == target).then_some("page")] { (label) }
        }
    };
    let markup = html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // The session's CSRF token, for scripts calling the JSON API (X-CSRF-Token).
                @if let Some(viewer) = viewer { meta name="csrf-token" content=(viewer.csrf); }
                title { (title) " · 绩效自评" }
                link rel="stylesheet" href="/assets/app.css";
                @if form_css { link rel="stylesheet" href="/assets/form.css"; }
                script src="/assets/app.js" defer {}
            }
            body {
                header.topbar {
                    a.brand href=(if viewer.is_some() { "/" } else { "/public" }) { "绩效自评" }
                    nav.mainnav aria-label="主导航" {
                        @if viewer.is_some() {
                            (item(Nav::Home, "/", "工作台"))
                            (item(Nav::Forms, "/forms", "自评表"))
                            (item(Nav::Import, "/import", "导入"))
                        }
                        @if viewer.is_some_and(|v| v.caller.user.role == jixiao_core::workflow::Role::Admin) {
                            (item(Nav::Admin, "/admin", "系统管理"))
                        }
                        (item(Nav::Public, "/public", "公开查询"))
                    }
                    div.who {
                        @if let Some(viewer) = viewer {
                            a.user href="/account" title="我的账户与 API 令牌" aria-current=[(nav == Nav::Account).then_some("page")] { (viewer.caller.user.name) }
                            span.org { (viewer.org_name) }
                            span.role { (viewer.caller.user.role.label()) }
                            form.logout method="post" action="/logout" {
                                input type="hidden" name="_csrf" value=(viewer.csrf);
                                button.link type="submit" { "退出" }
                            }
                        } @else if nav != Nav::Login {
                            a.button.small href="/login" { "登录" }
                        }
                    }
                }
                main.content { (body) }
            }
        }
    };
    Html(markup.into_string())
}

/// A `303 See Other` to `target`, after a write.
pub(crate) fn see_other(target: &str) -> Response {
    Redirect::to(target).into_response()
}

/// Adds a `Set-Cookie` header to a response.
pub(crate) fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

/// A state badge (草稿 gray, 已提交 blue, 已退回 orange, 已审核 green, 已公开 dark green).
pub(crate) fn badge(state: FormState) -> Markup {
    html! { span class=(format!("badge st-{}", state.as_str())) { (state.label()) } }
}

/// A grade as a small tag.
pub(crate) fn grade(text: &str) -> Markup {
    let class = match text.trim() {
        "优" => "grade g-a",
        "良" => "grade g-b",
        "中" => "grade g-c",
        "差" => "grade g-d",
        _ => "grade g-none",
    };
    html! { span class=(class) { @if text.trim().is_empty() { "—" } @else { (text.trim()) } } }
}

/// A decimal kept as text, with two places ("—" when missing or unreadable).
pub(crate) fn money(text: Option<&str>) -> String {
    decimal(text).map_or_else(|| "—".to_owned(), jixiao_core::rounding::two_places)
}

/// A decimal kept as text.
pub(crate) fn decimal(text: Option<&str>) -> Option<Decimal> {
    text.and_then(|text| text.trim().parse::<Decimal>().ok())
}

/// 差额: rule total minus reported total, when both are known, as the CLI and the audit report
/// print it (negative: the form reports more than the rules give).
pub(crate) fn gap(record: &FormRecord) -> Option<Decimal> {
    let reported = decimal(record.summary.reported_total.as_deref())?;
    let rule = decimal(Some(&record.summary.rule_total))?;
    Some(rule - reported)
}

/// A time as Beijing time, `2025-03-01 14:05`.
pub(crate) fn time(millis: Millis) -> String {
    let seconds = millis.div_euclid(1000) + 8 * 3600;
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60
    )
}

/// Percent-encodes a query value.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Every record a filter selects (the store pages by 500).
pub(crate) async fn all_records<S: Store + Clone>(
    app: &App<S>,
    mut filter: FormFilter,
) -> PageResult<Vec<FormRecord>> {
    let mut records = Vec::new();
    filter.offset = 0;
    filter.limit = 500;
    loop {
        let page = app.store.list_forms(&filter).await?;
        let count = i64::try_from(page.forms.len()).unwrap_or(0);
        records.extend(page.forms);
        filter.offset += count;
        if count == 0 || filter.offset >= page.total {
            break;
        }
    }
    Ok(records)
}

/// The records a viewer may list.
pub(crate) async fn visible_records<S: Store + Clone>(
    app: &App<S>,
    viewer: &Viewer,
    orgs: &Orgs,
) -> PageResult<Vec<FormRecord>> {
    let filter = FormFilter {
        units: orgs.visible_units(&viewer.caller.user),
        ..FormFilter::default()
    };
    all_records(app, filter).await
}

/// A notice shown at the top of a page.
pub(crate) fn notice(kind: &str, text: &str) -> Markup {
    html! { div class=(format!("notice {kind}")) role=(if kind == "error" { "alert" } else { "status" }) { (text) } }
}

/// Raw HTML made by a trusted renderer (the official form).
pub(crate) fn trusted(html: String) -> PreEscaped<String> {
    PreEscaped(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_beijing_time() {
        assert_eq!(time(0), "1970-01-01 08:00");
        // 2024-02-29 23:30 UTC is 2024-03-01 07:30 in Beijing.
        assert_eq!(time(1_709_249_400_000), "2024-03-01 07:30");
    }

    #[test]
    fn signed_numbers_use_a_real_minus() {
        assert_eq!(signed(Decimal::new(-812, 2)), "\u{2212}8.12");
        assert_eq!(signed(Decimal::new(17, 1)), "+1.70");
        assert_eq!(signed(Decimal::ZERO), "0.00");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode("/forms?x=1&y=课"), "/forms%3Fx%3D1%26y%3D%E8%AF%BE");
    }
}
