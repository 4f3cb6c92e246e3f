//! The server against a real database, over real HTTP on an ephemeral port.

/// End to end in headless Chromium: import, live audit, save, review, publish (screenshots).
mod browser;
/// The editor, the live scoring endpoint, the admin and account pages.
mod editor;
/// Who can see and do what: every role × endpoint × own/other organisation.
mod matrix;
/// The server-rendered pages: redirects, content by role, 404s, the public pages, CSRF.
mod pages;
/// Sessions, CSRF, tokens, the login limit, body limits, the OpenAPI document.
mod security;
/// Shared: a server on a temporary demo database, and a client that logs in.
mod util;
/// Import to publication, versions, conflicts, comments.
mod workflow;
