//! Who is calling: passwords (argon2id), session cookies with a CSRF token, API tokens, and the
//! login rate limit.
//!
//! Session and API tokens are 256 random bits shown once; the store keeps only their SHA-256, so
//! a copy of the database opens nothing. A cookie-authenticated write must carry the session's
//! CSRF token in `X-CSRF-Token` (the cookie is also `SameSite=Strict`); a request with
//! `Authorization: Bearer TOKEN` needs none, since a browser never adds that header by itself.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use jixiao_store::{Store, User, now};
use sha2::{Digest, Sha256};

use crate::App;
use crate::error::ApiError;

/// The session cookie's name.
pub const COOKIE: &str = "jixiao_session";
/// The header that carries the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a session lasts.
pub const SESSION_LENGTH: Duration = Duration::from_secs(12 * 3600);

/// Hashes a password with argon2id and a random salt (a PHC string).
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| ApiError::invalid("无法处理该密码"))
}

/// Whether `password` matches a stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A new random token (64 hex digits).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// What the store keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    text
}

/// The `Set-Cookie` value that opens a session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        SESSION_LENGTH.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends a session.
pub fn expired_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The session token in a request's cookies.
pub fn session_token(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .find_map(|cookie| {
            let (name, value) = cookie.trim().split_once('=')?;
            (name == COOKIE && !value.is_empty()).then_some(value)
        })
}

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A session cookie; its token's hash and CSRF token.
    Session {
        /// The stored hash of the cookie's token.
        token_hash: String,
        /// The session's CSRF token.
        csrf: String,
    },
    /// An API token.
    Token,
}

/// An authenticated caller. Extracting it answers 401 without a valid session or token, and
/// 403 for a cookie-authenticated write without the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user.
    pub user: User,
    /// How they authenticated.
    pub credential: Credential,
}

impl<S: Store + Clone> FromRequestParts<App<S>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App<S>) -> Result<Caller, ApiError> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "));
        if let Some(token) = bearer {
            let user = app
                .store
                .token_user(&token_hash(token.trim()))
                .await?
                .ok_or_else(ApiError::unauthenticated)?;
            return Ok(Caller {
                user,
                credential: Credential::Token,
            });
        }
        let token = session_token(parts).ok_or_else(ApiError::unauthenticated)?;
        let hash = token_hash(token);
        let session = app
            .store
            .session(&hash, now())
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|value| value.to_str().ok());
            if sent != Some(session.csrf.as_str()) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "请求缺少有效的 X-CSRF-Token，请刷新页面后重试",
                ));
            }
        }
        Ok(Caller {
            user: session.user,
            credential: Credential::Session {
                token_hash: hash,
                csrf: session.csrf,
            },
        })
    }
}

/// Failed logins per login name: after `MAX_FAILURES` within `WINDOW`, further attempts are
/// refused until the window passes, whatever the password (so guessing is slow).
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

const MAX_FAILURES: u32 = 5;
const WINDOW: Duration = Duration::from_secs(300);

impl LoginLimiter {
    /// Whether `login` may try now.
    pub fn allows(&self, login: &str) -> bool {
        let Ok(failures) = self.failures.lock() else {
            return true;
        };
        failures
            .get(login)
            .is_none_or(|(count, since)| *count < MAX_FAILURES || since.elapsed() > WINDOW)
    }

    /// Records a failed attempt.
    pub fn failed(&self, login: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            // Bound the memory an attacker can make us use with made-up login names.
            if failures.len() > 10_000 {
                failures.retain(|_, (_, since)| since.elapsed() <= WINDOW);
            }
            let entry = failures
                .entry(login.to_owned())
                .or_insert((0, Instant::now()));
            if entry.1.elapsed() > WINDOW {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
        }
    }

    /// Forgets the failures of a login that succeeded.
    pub fn succeeded(&self, login: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(login);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("正确的密码").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("正确的密码", &hash));
        assert!(!verify_password("错误的密码", &hash));
        assert!(!verify_password("正确的密码", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn the_limiter_stops_guessing() {
        let limiter = LoginLimiter::default();
        for _ in 0..MAX_FAILURES {
            assert!(limiter.allows("admin"));
            limiter.failed("admin");
        }
        assert!(!limiter.allows("admin"));
        assert!(limiter.allows("other"));
        limiter.succeeded("admin");
        assert!(limiter.allows("admin"));
    }
}
