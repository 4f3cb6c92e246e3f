//! The one error shape of the API: `{"code": "...", "message": "..."}` with the HTTP status.
//! Codes are stable words for scripts; messages are Chinese sentences for people.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jixiao_store::StoreError;
use serde_json::{Map, Value, json};

/// An error answered to a request.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The stable code.
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
    /// More fields for the body (e.g. the current version on a conflict).
    pub extra: Map<String, Value>,
}

impl ApiError {
    /// An error with a status, a code and a message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            extra: Map::new(),
        }
    }

    /// Adds a field to the body.
    pub fn with(mut self, key: &str, value: Value) -> ApiError {
        self.extra.insert(key.to_owned(), value);
        self
    }

    /// 401: no valid session or token.
    pub fn unauthenticated() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录")
    }

    /// 403: the caller may not do this.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 404: nothing there (or nothing the caller may see).
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "找不到该资源")
    }

    /// 400: the request is malformed or breaks a rule.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert("code".into(), json!(self.code));
        body.insert("message".into(), json!(self.message));
        body.extend(self.extra);
        (self.status, Json(Value::Object(body))).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Stale { version, state } => ApiError::new(
                StatusCode::CONFLICT,
                "stale",
                format!(
                    "表单已被他人修改（当前为第{version}版，{}），请刷新后再操作",
                    state.label()
                ),
            )
            .with("version", json!(version))
            .with("state", json!(state)),
            StoreError::Conflict(what) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", format!("“{what}”已存在"))
            }
            StoreError::Invalid(message) => ApiError::invalid(message),
            error @ (StoreError::Database(_) | StoreError::Migrate(_)) => {
                // The details go to the log, not to the caller.
                tracing::error!(%error, "store failed");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器内部错误，请稍后再试",
                )
            }
        }
    }
}

/// A result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
