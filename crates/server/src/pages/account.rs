//! `/login` and `/logout`: the page form calls the API's own login handler, so the password
//! check, the rate limit and the session cookie are the API's.

use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jixiao_store::Store;
use maud::html;
use serde::Deserialize;

use super::{MaybeViewer, Nav, PageResult, Viewer, page, see_other, with_cookie};
use crate::App;
use crate::api::{self, LoginBody};
use crate::auth::{self, Credential};

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

/// Where to go after logging in: only a path of this site.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path
        }
        _ => "/",
    }
}

fn login_form(next: &str, login: &str, error: Option<&str>) -> axum::response::Html<String> {
    let body = html! {
        div.login-wrap {
            section.login-card aria-labelledby="login-title" {
                h1 #login-title { "绩效自评" }
                p.sub { "财政项目支出绩效自评表 · 填报、审核与公开" }
                @if let Some(error) = error {
                    div.notice.error role="alert" { (error) }
                }
                form method="post" action="/login" {
                    input type="hidden" name="next" value=(next);
                    div.field {
                        label for="login" { "用户名" }
                        input #login type="text" name="login" value=(login) autocomplete="username" required autofocus;
                    }
                    div.field {
                        label for="password" { "密码" }
                        input #password type="password" name="password" autocomplete="current-password" required;
                    }
                    button.primary.wide type="submit" { "登录" }
                }
                p.muted.small { "无需登录即可 " a href="/public" { "查询已公开的自评表" } "。" }
            }
        }
    };
    page("登录", None, Nav::Login, body)
}

pub(crate) async fn login_page(
    MaybeViewer(viewer): MaybeViewer,
    Query(query): Query<NextQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if viewer.is_some() {
        return see_other(next);
    }
    login_form(next, "", None).into_response()
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    login: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

pub(crate) async fn login<S: Store + Clone>(
    State(app): State<App<S>>,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref()).to_owned();
    let login = form.login.trim().to_owned();
    let body = LoginBody {
        login: login.clone(),
        password: form.password,
    };
    match api::login(State(app), axum::Json(body)).await {
        Ok(response) => {
            let cookie = response
                .headers()
                .get(header::SET_COOKIE)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            with_cookie(see_other(&next), &cookie)
        }
        Err(error) => {
            let status = if error.status == StatusCode::TOO_MANY_REQUESTS {
                error.status
            } else {
                StatusCode::UNAUTHORIZED
            };
            (status, login_form(&next, &login, Some(&error.message))).into_response()
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CsrfForm {
    #[serde(rename = "_csrf")]
    csrf: String,
}

pub(crate) async fn logout<S: Store + Clone>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Form(form): Form<CsrfForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    if let Credential::Session { token_hash, .. } = &viewer.caller.credential {
        app.store.delete_session(token_hash).await?;
    }
    Ok(with_cookie(
        see_other("/login"),
        &auth::expired_cookie(app.secure_cookies),
    ))
}
