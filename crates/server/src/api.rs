//! The JSON API under `/api/v1`: one table of endpoints, from which both the router and the
//! OpenAPI document are built, so the two cannot drift apart.
//!
//! Every handler that touches a form asks [`workflow::allows`] first. A form the caller may not
//! read answers 404, as if it did not exist; an action on a form they may read answers 403.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, post, put};
use jixiao_core::model::Form;
use jixiao_core::workflow::{self, Action, Actor, OrgKind, Role, State as FormState, Transition};
use jixiao_render::Item;
use jixiao_render::pdf::PdfOptions;
use jixiao_store::{
    ApiToken, Comment, FormFilter, FormRecord, NewUser, Org, Store, User, Version, now,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::App;
use crate::auth::{self, Caller, Credential};
use crate::diff;
use crate::error::{ApiError, ApiResult};
use crate::service::{self, Orgs};

/// Runs a store write to its end even when the request is cancelled (the client went away): a
/// write dropped half-way through would leave its transaction to be rolled back later, while
/// other writers wait on SQLite's lock.
pub(crate) async fn detached<T, F>(write: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: std::future::Future<Output = jixiao_store::Result<T>> + Send + 'static,
{
    match tokio::spawn(write).await {
        Ok(result) => result.map_err(ApiError::from),
        Err(_) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务器内部错误，请稍后再试",
        )),
    }
}

/// One endpoint of the API, as the OpenAPI document describes it.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The path, with `{name}` parameters.
    pub path: &'static str,
    /// What it does, in Chinese.
    pub summary: &'static str,
    /// Whether it answers without a session or token.
    pub public: bool,
}

const fn endpoint(method: &'static str, path: &'static str, summary: &'static str) -> Endpoint {
    Endpoint {
        method,
        path,
        summary,
        public: false,
    }
}

const fn public(method: &'static str, path: &'static str, summary: &'static str) -> Endpoint {
    Endpoint {
        method,
        path,
        summary,
        public: true,
    }
}

/// Request bodies larger than this are refused (413), but for imports.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// The largest document an import accepts.
pub const IMPORT_LIMIT: usize = 32 * 1024 * 1024;

/// Every endpoint with its handler.
pub fn endpoints<S: Store + Clone>() -> Vec<(Endpoint, MethodRouter<App<S>>)> {
    vec![
        (
            public("POST", "/api/v1/login", "登录，设置会话 Cookie"),
            post(login::<S>),
        ),
        (
            endpoint("POST", "/api/v1/logout", "退出登录"),
            post(logout::<S>),
        ),
        (
            endpoint("GET", "/api/v1/me", "当前用户、机构与 CSRF 令牌"),
            get(me::<S>),
        ),
        (endpoint("GET", "/api/v1/orgs", "机构树"), get(orgs::<S>)),
        (
            endpoint("POST", "/api/v1/orgs", "新增机构（财政）"),
            post(create_org::<S>),
        ),
        (
            endpoint("GET", "/api/v1/users", "用户列表（财政）"),
            get(users::<S>),
        ),
        (
            endpoint("POST", "/api/v1/users", "新增用户（财政）"),
            post(create_user::<S>),
        ),
        (
            endpoint(
                "PUT",
                "/api/v1/users/{id}/password",
                "修改密码（本人或财政）",
            ),
            put(set_password::<S>),
        ),
        (
            endpoint("GET", "/api/v1/tokens", "本人的 API 令牌"),
            get(tokens::<S>),
        ),
        (
            endpoint("POST", "/api/v1/tokens", "新建 API 令牌"),
            post(create_token::<S>),
        ),
        (
            endpoint("DELETE", "/api/v1/tokens/{id}", "吊销 API 令牌"),
            delete(delete_token::<S>),
        ),
        (
            endpoint(
                "POST",
                "/api/v1/score",
                "重新计算规则得分与审核发现（不保存）",
            ),
            post(score_form::<S>),
        ),
        (
            endpoint("GET", "/api/v1/forms", "自评表列表（筛选、分页）"),
            get(list_forms::<S>),
        ),
        (
            endpoint("POST", "/api/v1/forms", "新建自评表（规范 JSON）"),
            post(create_form::<S>),
        ),
        (
            endpoint(
                "POST",
                "/api/v1/import",
                "导入文档：预览，或 save=true 时保存",
            ),
            post(import::<S>).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        ),
        (
            endpoint(
                "GET",
                "/api/v1/forms/{id}",
                "一张自评表：规范 JSON、规则结果与审核发现",
            ),
            get(form::<S>),
        ),
        (
            endpoint(
                "PUT",
                "/api/v1/forms/{id}",
                "保存新版本（须带所依据的版本号）",
            ),
            put(update_form::<S>),
        ),
        (
            endpoint("GET", "/api/v1/forms/{id}/versions", "版本历史"),
            get(versions::<S>),
        ),
        (
            endpoint("GET", "/api/v1/forms/{id}/versions/{number}", "某一版本"),
            get(version::<S>),
        ),
        (
            endpoint("GET", "/api/v1/forms/{id}/diff", "两个版本之间的差异"),
            get(version_diff::<S>),
        ),
        (
            endpoint(
                "POST",
                "/api/v1/forms/{id}/transitions",
                "提交、退回、审核通过或公开",
            ),
            post(transition::<S>),
        ),
        (
            endpoint("GET", "/api/v1/forms/{id}/comments", "意见"),
            get(comments::<S>),
        ),
        (
            endpoint("POST", "/api/v1/forms/{id}/comments", "添加意见"),
            post(add_comment::<S>),
        ),
        (
            endpoint("GET", "/api/v1/forms/{id}/log", "操作记录"),
            get(log::<S>),
        ),
        (
            endpoint(
                "GET",
                "/api/v1/forms/{id}/export/{format}",
                "导出：html、xlsx、pdf、md 或 json",
            ),
            get(export::<S>),
        ),
        (
            public("GET", "/api/openapi.json", "本 API 的 OpenAPI 文档"),
            get(openapi),
        ),
    ]
}

/// The OpenAPI 3.1 document of [`endpoints`].
pub fn openapi_document() -> Value {
    let mut paths: BTreeMap<&str, serde_json::Map<String, Value>> = BTreeMap::new();
    for (endpoint, _) in endpoints::<jixiao_store::SqliteStore>() {
        let parameters: Vec<Value> = endpoint
            .path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| {
                let schema = if name == "format" {
                    json!({"type": "string"})
                } else {
                    json!({"type": "integer"})
                };
                json!({"name": name, "in": "path", "required": true, "schema": schema})
            })
            .collect();
        let mut operation = json!({
            "summary": endpoint.summary,
            "parameters": parameters,
            "responses": {
                "200": {"description": "成功"},
                "default": {
                    "description": "错误",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
                }
            }
        });
        if !endpoint.public {
            operation["security"] = json!([{"session": []}, {"token": []}]);
        }
        paths
            .entry(endpoint.path)
            .or_default()
            .insert(endpoint.method.to_ascii_lowercase(), operation);
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "jixiao API", "version": env!("CARGO_PKG_VERSION")},
        "paths": paths,
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}
                }
            },
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": auth::COOKIE},
                "token": {"type": "http", "scheme": "bearer"}
            }
        }
    })
}

async fn openapi() -> Json<Value> {
    Json(openapi_document())
}

// ---------------------------------------------------------------------------------------------
// Accounts

#[derive(Deserialize)]
pub(crate) struct LoginBody {
    pub(crate) login: String,
    pub(crate) password: String,
}

pub(crate) async fn login<S: Store + Clone>(
    State(app): State<App<S>>,
    Json(body): Json<LoginBody>,
) -> ApiResult<Response> {
    if !app.limiter.allows(&body.login) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "登录失败次数过多，请5分钟后再试",
        ));
    }
    let found = app.store.user_for_login(&body.login).await?;
    let user = match found {
        Some((user, hash)) if auth::verify_password(&body.password, &hash) => user,
        _ => {
            app.limiter.failed(&body.login);
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "用户名或密码不正确",
            ));
        }
    };
    app.limiter.succeeded(&body.login);
    let token = auth::new_token();
    let csrf = auth::new_token();
    let expires = now() + i64::try_from(auth::SESSION_LENGTH.as_millis()).unwrap_or(i64::MAX);
    app.store
        .create_session(&auth::token_hash(&token), user.id, &csrf, expires)
        .await?;
    let orgs = Orgs(app.store.orgs().await?);
    let mut response = Json(json!({"user": user_json(&user, &orgs), "csrf": csrf})).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&auth::session_cookie(&token, app.secure_cookies)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

async fn logout<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
) -> ApiResult<Response> {
    if let Credential::Session { token_hash, .. } = &caller.credential {
        app.store.delete_session(token_hash).await?;
    }
    let mut response = Json(json!({"ok": true})).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&auth::expired_cookie(app.secure_cookies)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

async fn me<S: Store + Clone>(State(app): State<App<S>>, caller: Caller) -> ApiResult<Json<Value>> {
    let orgs = Orgs(app.store.orgs().await?);
    let csrf = match &caller.credential {
        Credential::Session { csrf, .. } => Some(csrf.clone()),
        Credential::Token => None,
    };
    Ok(Json(
        json!({"user": user_json(&caller.user, &orgs), "csrf": csrf}),
    ))
}

fn user_json(user: &User, orgs: &Orgs) -> Value {
    json!({
        "id": user.id,
        "login": user.login,
        "name": user.name,
        "org": user.org,
        "org_name": orgs.name(user.org),
        "role": user.role,
        "role_label": user.role.label(),
    })
}

fn org_json(org: &Org) -> Value {
    json!({
        "id": org.id,
        "name": org.name,
        "kind": org.kind,
        "kind_label": org.kind.label(),
        "parent": org.parent,
    })
}

pub(crate) fn require_admin(caller: &Caller) -> ApiResult<()> {
    if caller.user.role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::forbidden("只有财政管理员可以进行此操作"))
    }
}

pub(crate) async fn orgs<S: Store + Clone>(
    State(app): State<App<S>>,
    _caller: Caller,
) -> ApiResult<Json<Value>> {
    let orgs = app.store.orgs().await?;
    Ok(Json(
        json!({"orgs": orgs.iter().map(org_json).collect::<Vec<_>>()}),
    ))
}

#[derive(Deserialize)]
pub(crate) struct NewOrgBody {
    pub(crate) name: String,
    pub(crate) kind: OrgKind,
    pub(crate) parent: Option<i64>,
}

pub(crate) async fn create_org<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Json(body): Json<NewOrgBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    require_admin(&caller)?;
    let name = body.name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("机构名称不能为空"));
    }
    let org = app.store.create_org(name, body.kind, body.parent).await?;
    Ok((StatusCode::CREATED, Json(org_json(&org))))
}

pub(crate) async fn users<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
) -> ApiResult<Json<Value>> {
    require_admin(&caller)?;
    let orgs = Orgs(app.store.orgs().await?);
    let users = app.store.users().await?;
    Ok(Json(json!({
        "users": users.iter().map(|user| user_json(user, &orgs)).collect::<Vec<_>>()
    })))
}

#[derive(Deserialize)]
pub(crate) struct NewUserBody {
    pub(crate) login: String,
    pub(crate) name: String,
    pub(crate) org: i64,
    pub(crate) role: Role,
    pub(crate) password: String,
}

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 8;

fn check_password(password: &str) -> ApiResult<()> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(ApiError::invalid(format!(
            "密码至少需要{MIN_PASSWORD}个字符"
        )));
    }
    Ok(())
}

pub(crate) async fn create_user<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Json(body): Json<NewUserBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    require_admin(&caller)?;
    if body.login.trim().is_empty() {
        return Err(ApiError::invalid("登录名不能为空"));
    }
    check_password(&body.password)?;
    let user = app
        .store
        .create_user(NewUser {
            login: body.login.trim().to_owned(),
            name: body.name.trim().to_owned(),
            org: body.org,
            role: body.role,
            password_hash: auth::hash_password(&body.password)?,
        })
        .await?;
    let orgs = Orgs(app.store.orgs().await?);
    Ok((StatusCode::CREATED, Json(user_json(&user, &orgs))))
}

#[derive(Deserialize)]
struct PasswordBody {
    password: String,
}

async fn set_password<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(body): Json<PasswordBody>,
) -> ApiResult<Json<Value>> {
    if caller.user.id != id {
        require_admin(&caller)?;
    }
    check_password(&body.password)?;
    app.store
        .set_password(id, &auth::hash_password(&body.password)?)
        .await?;
    Ok(Json(json!({"ok": true})))
}

fn token_json(token: &ApiToken) -> Value {
    json!({"id": token.id, "name": token.name, "created_at": token.created_at})
}

pub(crate) async fn tokens<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
) -> ApiResult<Json<Value>> {
    let tokens = app.store.tokens(caller.user.id).await?;
    Ok(Json(
        json!({"tokens": tokens.iter().map(token_json).collect::<Vec<_>>()}),
    ))
}

#[derive(Deserialize)]
pub(crate) struct TokenBody {
    pub(crate) name: String,
}

pub(crate) async fn create_token<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Json(body): Json<TokenBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let secret = auth::new_token();
    let token = app
        .store
        .create_token(caller.user.id, body.name.trim(), &auth::token_hash(&secret))
        .await?;
    let mut value = token_json(&token);
    // The secret is shown once; only its hash is kept.
    value["token"] = json!(secret);
    Ok((StatusCode::CREATED, Json(value)))
}

pub(crate) async fn delete_token<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    app.store.delete_token(caller.user.id, id).await?;
    Ok(Json(json!({"ok": true})))
}

// ---------------------------------------------------------------------------------------------
// Forms

pub(crate) fn actor(caller: &Caller) -> Actor {
    Actor {
        role: caller.user.role,
        org: caller.user.org,
    }
}

/// A decimal kept as text by the store, as a JSON number with its printed scale.
fn number(text: Option<&str>) -> Value {
    text.and_then(|text| text.parse::<serde_json::Number>().ok())
        .map_or(Value::Null, Value::Number)
}

fn record_json(record: &FormRecord, orgs: &Orgs) -> Value {
    let summary = &record.summary;
    let department = orgs
        .get(record.unit)
        .and_then(|unit| unit.parent)
        .map(|id| orgs.name(id));
    json!({
        "id": record.id,
        "unit": record.unit,
        "unit_name": orgs.name(record.unit),
        "department_name": department,
        "state": record.state,
        "state_label": record.state.label(),
        "version": record.version,
        "year": summary.year,
        "project": summary.project,
        "budget": number(summary.budget.as_deref()),
        "executed": number(summary.executed.as_deref()),
        "reported_total": number(summary.reported_total.as_deref()),
        "reported_grade": summary.reported_grade,
        "rule_total": number(Some(&summary.rule_total)),
        "rule_grade": summary.rule_grade,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    })
}

/// What the caller may do with a form, for the interface's buttons.
pub(crate) fn rights_json(caller: &Caller, record: &FormRecord, orgs: &Orgs) -> Value {
    let owner = orgs.owner(record.unit);
    let actor = actor(caller);
    let transitions: Vec<&str> = Transition::ALL
        .into_iter()
        .filter(|t| workflow::allows(&actor, Action::Move(*t), &owner, record.state))
        .map(Transition::as_str)
        .collect();
    json!({
        "edit": workflow::allows(&actor, Action::Edit, &owner, record.state),
        "comment": workflow::allows(&actor, Action::Comment, &owner, record.state),
        "transitions": transitions,
    })
}

/// The form and what the caller may do with it; 404 when they may not read it.
pub(crate) async fn readable<S: Store + Clone>(
    app: &App<S>,
    caller: &Caller,
    id: i64,
) -> ApiResult<(FormRecord, Orgs)> {
    let record = app.store.form(id).await?;
    let orgs = Orgs(app.store.orgs().await?);
    let owner = orgs.owner(record.unit);
    if !workflow::allows(&actor(caller), Action::Read, &owner, record.state) {
        return Err(ApiError::not_found());
    }
    Ok((record, orgs))
}

pub(crate) fn parse_stored(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    year: Option<i32>,
    org: Option<i64>,
    state: Option<String>,
    grade: Option<String>,
    has_errors: Option<bool>,
    q: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn list_forms<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    let orgs = Orgs(app.store.orgs().await?);
    let units = orgs.visible_units_under(&caller.user, query.org);
    let states = match query.state.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => text
            .split(',')
            .map(|name| {
                FormState::parse(name.trim())
                    .ok_or_else(|| ApiError::invalid(format!("未知的状态“{name}”")))
            })
            .collect::<ApiResult<Vec<_>>>()?,
        None => Vec::new(),
    };
    let per_page = query.per_page.unwrap_or(50).clamp(1, 500);
    let page = query.page.unwrap_or(1).max(1);
    let filter = FormFilter {
        units,
        year: query.year,
        states,
        rule_grade: query.grade.filter(|g| !g.is_empty()),
        has_errors: query.has_errors,
        search: query.q,
        offset: (page - 1).saturating_mul(per_page),
        limit: per_page,
    };
    let found = app.store.list_forms(&filter).await?;
    Ok(Json(json!({
        "forms": found.forms.iter().map(|r| record_json(r, &orgs)).collect::<Vec<_>>(),
        "total": found.total,
        "page": page,
        "per_page": per_page,
    })))
}

/// The unit a new form belongs to: a filler's own; for reviewers and the finance bureau the
/// `unit` asked for, or the unit under them named like the form's 实施单位.
pub(crate) fn unit_for(
    caller: &Caller,
    orgs: &Orgs,
    asked: Option<i64>,
    form: &Form,
) -> ApiResult<i64> {
    if caller.user.role == Role::Filler {
        return match asked {
            Some(unit) if unit != caller.user.org => {
                Err(ApiError::forbidden("只能为本单位新建自评表"))
            }
            _ => Ok(caller.user.org),
        };
    }
    let unit = match asked {
        Some(unit) => unit,
        None => orgs
            .unit_named(&caller.user, &form.implementing_unit)
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "找不到实施单位“{}”，请用 unit 参数指定单位",
                    form.implementing_unit
                ))
            })?,
    };
    let is_unit = orgs.get(unit).is_some_and(|org| org.kind == OrgKind::Unit);
    if !is_unit || !orgs.owner(unit).is_under(caller.user.org) {
        return Err(ApiError::forbidden("只能为本机构下属的实施单位新建自评表"));
    }
    Ok(unit)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UnitQuery {
    unit: Option<i64>,
}

fn read_form_body(body: &Bytes) -> ApiResult<Form> {
    let text = std::str::from_utf8(body).map_err(|_| ApiError::invalid("请求体不是 UTF-8"))?;
    jixiao_core::json::from_str::<Form>(text)
        .map_err(|error| ApiError::invalid(format!("自评表 JSON 有误：{error}")))
}

/// Rescores a form body without saving it (the editor's live audit): the audit report, the JSON
/// path of the value each finding is about, and the rule value of each indicator.
async fn score_form<S: Store + Clone>(
    State(app): State<App<S>>,
    _caller: Caller,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let form = read_form_body(&body)?;
    Ok(Json(scored(&form, &app.profile)))
}

pub(crate) fn scored(form: &Form, profile: &jixiao_core::Profile) -> Value {
    use jixiao_core::finding::{Place, Severity};
    use jixiao_core::score::Rule;
    use jixiao_render::layout::{IndicatorField, Role as CellRole};
    let audit = jixiao_core::audit::audit(form, profile);
    let report = jixiao_core::report::FormReport::new(form, profile, &audit);
    let fields: Vec<String> = audit
        .findings
        .iter()
        .map(|finding| match &finding.place {
            Place::Indicator(index) => {
                let field = match jixiao_render::layout::role_of(finding.code, &finding.place) {
                    CellRole::Indicator(_, IndicatorField::Name) => "name",
                    CellRole::Indicator(_, IndicatorField::Target) => "target",
                    CellRole::Indicator(_, IndicatorField::Actual) => "actual",
                    CellRole::Indicator(_, IndicatorField::Weight) => "weight",
                    CellRole::Indicator(_, IndicatorField::Note) => "note",
                    _ => "score",
                };
                format!("indicators[{index}].{field}")
            }
            Place::Field(path) if path.starts_with("indicators") => "indicators".to_owned(),
            Place::Path(path) if path.starts_with("indicators") => "indicators".to_owned(),
            Place::Field(path) => (*path).to_owned(),
            Place::Path(path) => path.clone(),
        })
        .collect();
    let rules: Vec<Value> = audit
        .scorecard
        .indicators
        .iter()
        .map(|rule| match &rule.rule {
            Rule::Computed { score, .. } => json!(jixiao_core::rounding::two_places(*score)),
            Rule::Band {
                low,
                high,
                high_inclusive,
                ..
            } => json!(Rule::band_text(*low, *high, *high_inclusive)),
            Rule::Unscored => Value::Null,
        })
        .collect();
    let count = |severity: Severity| {
        audit
            .findings
            .iter()
            .filter(|finding| finding.severity == severity)
            .count()
    };
    json!({
        "report": report,
        "fields": fields,
        "indicators": rules,
        "counts": {
            "error": count(Severity::Error),
            "warning": count(Severity::Warning),
            "info": count(Severity::Info),
        },
    })
}

async fn create_form<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Query(query): Query<UnitQuery>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let form = read_form_body(&body)?;
    let orgs = Orgs(app.store.orgs().await?);
    let unit = unit_for(&caller, &orgs, query.unit, &form)?;
    let version = service::version_of(&form, &app.profile, caller.user.id, "新建".to_owned());
    let store = app.store.clone();
    let record = detached(async move { store.create_form(unit, version).await }).await?;
    Ok((StatusCode::CREATED, Json(record_json(&record, &orgs))))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ImportQuery {
    save: bool,
    unit: Option<i64>,
    name: Option<String>,
}

async fn import<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Query(query): Query<ImportQuery>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Value>)> {
    if query.save && caller.user.role == Role::Reviewer {
        // Reviewers read what units hand in; they do not author forms.
        return Err(ApiError::forbidden("审核角色不能导入保存自评表"));
    }
    let name = query
        .name
        .clone()
        .unwrap_or_else(|| "上传的文档".to_owned());
    let imported =
        tokio::task::spawn_blocking(move || jixiao_import::read_document(&body).in_file(name))
            .await
            .map_err(|_| ApiError::invalid("无法读取该文档"))?;
    let orgs = Orgs(app.store.orgs().await?);
    let mut forms = Vec::new();
    let mut to_save = Vec::new();
    for (index, form) in imported.forms.iter().enumerate() {
        let version = service::version_of(form, &app.profile, caller.user.id, "导入".to_owned());
        let mut entry = json!({
            "project": form.project,
            "form": form,
            "report": parse_stored(&version.report_json),
        });
        if query.save {
            match unit_for(&caller, &orgs, query.unit, form) {
                Ok(unit) => to_save.push((index, unit, version)),
                Err(error) => entry["error"] = json!(error.message),
            }
        }
        forms.push(entry);
    }
    // One transaction: an import is saved whole or not at all, so a retry never duplicates.
    let indices: Vec<usize> = to_save.iter().map(|(index, _, _)| *index).collect();
    let batch = to_save
        .into_iter()
        .map(|(_, unit, version)| (unit, version))
        .collect();
    let store = app.store.clone();
    let records = detached(async move { store.create_forms(batch).await }).await?;
    let mut saved = Vec::new();
    for (index, record) in indices.into_iter().zip(&records) {
        if let Some(entry) = forms.get_mut(index) {
            entry["saved"] = record_json(record, &orgs);
        }
        saved.push(record.id);
    }
    let status = if saved.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(json!({
            "forms": forms,
            "saved": saved,
            "warnings": imported.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "errors": imported.errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
        })),
    ))
}

async fn form<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let (record, orgs) = readable(&app, &caller, id).await?;
    let version = app.store.version(id, record.version).await?;
    Ok(Json(json!({
        "record": record_json(&record, &orgs),
        "form": parse_stored(&version.form_json),
        "report": parse_stored(&version.report_json),
        "rights": rights_json(&caller, &record, &orgs),
    })))
}

#[derive(Deserialize)]
struct UpdateBody {
    version: i64,
    form: Form,
    #[serde(default)]
    note: Option<String>,
}

async fn update_form<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let (record, orgs) = readable(&app, &caller, id).await?;
    let owner = orgs.owner(record.unit);
    if !workflow::allows(&actor(&caller), Action::Edit, &owner, record.state) {
        return Err(ApiError::forbidden(format!(
            "表单当前为“{}”，{}角色不能修改",
            record.state.label(),
            caller.user.role.label()
        )));
    }
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::invalid("请求体不是 UTF-8"))?;
    let body: UpdateBody = jixiao_core::json::from_str(text)
        .map_err(|error| ApiError::invalid(format!("请求 JSON 有误：{error}")))?;
    let note = body.note.unwrap_or_else(|| "修改".to_owned());
    let version = service::version_of(&body.form, &app.profile, caller.user.id, note);
    let report = parse_stored(&version.report_json);
    let store = app.store.clone();
    let expected = body.version;
    let record = detached(async move { store.save_version(id, expected, version).await }).await?;
    Ok(Json(json!({
        "record": record_json(&record, &orgs),
        "report": report,
        "rights": rights_json(&caller, &record, &orgs),
    })))
}

async fn version_json<S: Store + Clone>(app: &App<S>, version: &Version) -> Value {
    let author = app.store.user(version.author).await.ok();
    json!({
        "number": version.number,
        "author": version.author,
        "author_name": author.map(|user| user.name),
        "note": version.note,
        "created_at": version.created_at,
    })
}

async fn versions<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    readable(&app, &caller, id).await?;
    let mut list = Vec::new();
    for version in app.store.versions(id).await? {
        list.push(version_json(&app, &version).await);
    }
    Ok(Json(json!({"versions": list})))
}

async fn version<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Path((id, number)): Path<(i64, i64)>,
) -> ApiResult<Json<Value>> {
    readable(&app, &caller, id).await?;
    let version = app.store.version(id, number).await?;
    let mut value = version_json(&app, &version).await;
    value["form"] = parse_stored(&version.form_json);
    value["report"] = parse_stored(&version.report_json);
    Ok(Json(value))
}

#[derive(Deserialize)]
struct DiffQuery {
    from: i64,
    to: i64,
}

async fn version_diff<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(query): Query<DiffQuery>,
) -> ApiResult<Json<Value>> {
    readable(&app, &caller, id).await?;
    let from = app.store.version(id, query.from).await?;
    let to = app.store.version(id, query.to).await?;
    let changes = diff::changes(&parse_stored(&from.form_json), &parse_stored(&to.form_json));
    Ok(Json(
        json!({"from": query.from, "to": query.to, "changes": changes}),
    ))
}

#[derive(Deserialize)]
pub(crate) struct TransitionBody {
    pub(crate) transition: String,
    #[serde(default)]
    pub(crate) comment: Option<String>,
}

pub(crate) async fn transition<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(body): Json<TransitionBody>,
) -> ApiResult<Json<Value>> {
    let (record, orgs) = readable(&app, &caller, id).await?;
    let transition = Transition::parse(&body.transition)
        .ok_or_else(|| ApiError::invalid(format!("未知的操作“{}”", body.transition)))?;
    let owner = orgs.owner(record.unit);
    let actor = actor(&caller);
    if !workflow::allows(&actor, Action::Move(transition), &owner, record.state) {
        let message = workflow::refusal(&actor, transition, &owner, record.state);
        return Err(if transition.apply(record.state).is_none() {
            ApiError::new(StatusCode::CONFLICT, "state", message)
        } else {
            ApiError::forbidden(message)
        });
    }
    let comment = body
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if transition.needs_comment() && comment.is_none() {
        return Err(ApiError::invalid("退回时须填写意见，说明需要修改的内容"));
    }
    let to = transition.apply(record.state).unwrap_or(record.state);
    let store = app.store.clone();
    let (from, by, comment) = (record.state, caller.user.id, comment.map(str::to_owned));
    let moved = detached(async move {
        store
            .move_form(id, from, to, by, transition.as_str(), comment.as_deref())
            .await
    })
    .await?;
    Ok(Json(json!({
        "record": record_json(&moved, &orgs),
        "rights": rights_json(&caller, &moved, &orgs),
    })))
}

async fn comment_json<S: Store + Clone>(app: &App<S>, comment: &Comment) -> Value {
    let author = app.store.user(comment.author).await.ok();
    json!({
        "id": comment.id,
        "version": comment.version,
        "author": comment.author,
        "author_name": author.map(|user| user.name),
        "body": comment.body,
        "created_at": comment.created_at,
    })
}

async fn comments<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    readable(&app, &caller, id).await?;
    let mut list = Vec::new();
    for comment in app.store.comments(id).await? {
        list.push(comment_json(&app, &comment).await);
    }
    Ok(Json(json!({"comments": list})))
}

#[derive(Deserialize)]
pub(crate) struct CommentBody {
    pub(crate) body: String,
}

pub(crate) async fn add_comment<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(body): Json<CommentBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let (record, orgs) = readable(&app, &caller, id).await?;
    let owner = orgs.owner(record.unit);
    if !workflow::allows(&actor(&caller), Action::Comment, &owner, record.state) {
        return Err(ApiError::forbidden("不能对该表单发表意见"));
    }
    let text = body.body.trim();
    if text.is_empty() {
        return Err(ApiError::invalid("意见不能为空"));
    }
    let store = app.store.clone();
    let (author, text) = (caller.user.id, text.to_owned());
    let comment = detached(async move { store.add_comment(id, author, &text).await }).await?;
    Ok((
        StatusCode::CREATED,
        Json(comment_json(&app, &comment).await),
    ))
}

async fn log<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    readable(&app, &caller, id).await?;
    let actions = app.store.actions(Some(id), 500).await?;
    let list: Vec<Value> = actions
        .iter()
        .map(|action| {
            json!({
                "at": action.at,
                "user": action.user,
                "action": action.action,
                "detail": action.detail,
            })
        })
        .collect();
    Ok(Json(json!({"actions": list})))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ExportQuery {
    audit: bool,
}

async fn export<S: Store + Clone>(
    State(app): State<App<S>>,
    caller: Caller,
    Path((id, format)): Path<(i64, String)>,
    Query(query): Query<ExportQuery>,
) -> ApiResult<Response> {
    let (record, _) = readable(&app, &caller, id).await?;
    let version = app.store.version(id, record.version).await?;
    let form = service::form_of(&version.form_json)
        .ok_or_else(|| ApiError::invalid("该版本的自评表无法读取"))?;
    let profile = app.profile.clone();
    let pdf = app.pdf.clone();
    let format_name = format.clone();
    let rendered = tokio::task::spawn_blocking(move || {
        render(&form, &profile, &pdf, &format_name, query.audit)
    })
    .await
    .map_err(|_| ApiError::invalid("导出失败"))??;
    let (content_type, extension, bytes) = rendered;
    let file = format!("form-{id}-v{}.{extension}", record.version);
    let disposition = format!("attachment; filename=\"{file}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

pub(crate) type Rendered = (&'static str, &'static str, Vec<u8>);

pub(crate) fn render(
    form: &Form,
    profile: &jixiao_core::Profile,
    pdf: &PdfOptions,
    format: &str,
    with_audit: bool,
) -> ApiResult<Rendered> {
    let audit = jixiao_core::audit::audit(form, profile);
    let item = Item {
        form,
        audit: with_audit.then_some(&audit),
    };
    Ok(match format {
        "html" => (
            "text/html; charset=utf-8",
            "html",
            jixiao_render::html::document(&[item]).into_bytes(),
        ),
        "md" => (
            "text/markdown; charset=utf-8",
            "md",
            jixiao_render::markdown::document(&[item]).into_bytes(),
        ),
        "json" => (
            "application/json",
            "json",
            jixiao_core::json::forms_to_string(std::slice::from_ref(form)).into_bytes(),
        ),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            jixiao_render::xlsx::document(&[item], profile)
                .map_err(|error| ApiError::invalid(error.to_string()))?,
        ),
        "pdf" => (
            "application/pdf",
            "pdf",
            jixiao_render::pdf::document(&[item], pdf)
                .map_err(|error| ApiError::invalid(error.to_string()))?,
        ),
        other => {
            return Err(ApiError::invalid(format!(
                "不支持的导出格式“{other}”（可用：html、xlsx、pdf、md、json）"
            )));
        }
    })
}
