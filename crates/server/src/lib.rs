//! jixiao-server: the web system of record for self-evaluation forms.
//!
//! Units fill in and submit, departments review, return or approve, the finance bureau
//! publishes. The server is thin: the policy is [`jixiao_core::workflow`], scoring is the core,
//! documents go through the importers and renderers, and everything is kept by a
//! [`jixiao_store::Store`]. This crate adds HTTP, accounts and the JSON API ([`api`]).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jixiao_core::Profile;
use jixiao_render::pdf::PdfOptions;
use jixiao_store::Store;

pub mod api;
pub mod auth;
pub mod demo;
pub mod diff;
pub mod error;
mod pages;
pub mod service;

pub use error::ApiError;

/// What every handler shares.
#[derive(Clone)]
pub struct App<S> {
    /// The system of record.
    pub store: S,
    /// The rules forms are scored under.
    pub profile: Arc<Profile>,
    /// Failed logins.
    pub limiter: Arc<auth::LoginLimiter>,
    /// Whether cookies are marked `Secure` (the server is behind TLS).
    pub secure_cookies: bool,
    /// How PDFs are made.
    pub pdf: PdfOptions,
}

impl<S: Store + Clone> App<S> {
    /// An application over a store, scoring under `profile`.
    pub fn new(store: S, profile: Profile) -> App<S> {
        App {
            store,
            profile: Arc::new(profile),
            limiter: Arc::default(),
            secure_cookies: false,
            pdf: PdfOptions::default(),
        }
    }
}

/// The router: the API's endpoints, the pages, a 404 for anything else (JSON under `/api/`,
/// a page elsewhere), and the body limit.
pub fn router<S: Store + Clone>(app: App<S>) -> Router {
    let mut routes: Vec<(&'static str, axum::routing::MethodRouter<App<S>>)> = Vec::new();
    for (endpoint, handler) in api::endpoints::<S>() {
        // Endpoints sharing a path become one method router.
        match routes.iter_mut().find(|(path, _)| *path == endpoint.path) {
            Some((_, existing)) => *existing = std::mem::take(existing).merge(handler),
            None => routes.push((endpoint.path, handler)),
        }
    }
    let mut router = pages::router::<S>();
    for (path, handler) in routes {
        router = router.route(path, handler);
    }
    router
        .fallback(|uri: axum::http::Uri| async move {
            if uri.path().starts_with("/api/") {
                ApiError::new(StatusCode::NOT_FOUND, "no_route", "没有这个地址").into_response()
            } else {
                pages::not_found()
            }
        })
        .layer(DefaultBodyLimit::max(api::BODY_LIMIT))
        .with_state(app)
}

/// Serves `app` on `addr` until `shutdown` completes, then finishes the requests in flight.
pub async fn serve<S: Store + Clone>(
    app: App<S>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Binds `addr`, saying clearly when it is taken.
pub async fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await
}
