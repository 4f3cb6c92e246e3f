//! Sessions, CSRF, API tokens, the login limit, body limits, and the OpenAPI document.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::util::{Client, form_ids, new_draft, server};

#[tokio::test(flavor = "multi_thread")]
async fn the_session_cookie_is_httponly_and_strict() {
    let server = server().await;
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/login", server.base))
        .json(&json!({"login": "filler", "password": "jixiao-demo"}))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("jixiao_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cookie_write_without_the_csrf_token_is_refused() {
    let server = server().await;
    let mut filler = Client::login(&server, "filler").await;
    let id = new_draft(&filler).await;
    let csrf = filler.csrf.take();
    let (status, body) = filler
        .post(
            &format!("/api/v1/forms/{id}/comments"),
            json!({"body": "无令牌"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "csrf");
    filler.csrf = Some("0".repeat(64));
    let (status, _) = filler
        .post(
            &format!("/api/v1/forms/{id}/comments"),
            json!({"body": "错令牌"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Reads need no token.
    filler.csrf = None;
    assert_eq!(filler.get("/api/v1/me").await.0, StatusCode::OK);
    filler.csrf = csrf;
    let (status, _) = filler
        .post(
            &format!("/api/v1/forms/{id}/comments"),
            json!({"body": "有令牌"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread")]
async fn api_tokens_work_without_cookies_and_can_be_revoked() {
    let server = server().await;
    let filler = Client::login(&server, "filler").await;
    let (status, created) = filler.post("/api/v1/tokens", json!({"name": "脚本"})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let secret = created["token"].as_str().unwrap().to_owned();
    let (_, listed) = filler.get("/api/v1/tokens").await;
    // The secret is shown once, never listed.
    assert!(!listed.to_string().contains(&secret));

    let mut script = Client::anonymous(&server);
    script.bearer = Some(secret.clone());
    assert_eq!(form_ids(&script).await.len(), 15);
    // A token needs no CSRF header for writes.
    let id = form_ids(&script).await[0];
    let (status, _) = script
        .post(
            &format!("/api/v1/forms/{id}/comments"),
            json!({"body": "脚本意见"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let token_id = created["id"].as_i64().unwrap();
    let (status, _) = filler.delete(&format!("/api/v1/tokens/{token_id}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = script.get("/api/v1/forms").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_ends_the_session() {
    let server = server().await;
    let filler = Client::login(&server, "filler").await;
    assert_eq!(
        filler.post("/api/v1/logout", json!({})).await.0,
        StatusCode::OK
    );
    assert_eq!(filler.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread")]
async fn guessing_passwords_is_stopped() {
    let server = server().await;
    let client = Client::anonymous(&server);
    for _ in 0..5 {
        let (status, body) = client
            .post(
                "/api/v1/login",
                json!({"login": "admin", "password": "wrong"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["code"], "bad_credentials");
    }
    // Even the right password waits now.
    let (status, body) = client
        .post(
            "/api/v1/login",
            json!({"login": "admin", "password": "jixiao-demo"}),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // Other accounts are not locked out.
    Client::login(&server, "filler").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_bodies_are_refused() {
    let server = server().await;
    let filler = Client::login(&server, "filler").await;
    let id = new_draft(&filler).await;
    let huge = json!({"version": 1, "form": {"project": "x".repeat(3 * 1024 * 1024)}});
    let (status, _) = filler.put(&format!("/api/v1/forms/{id}"), huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_share_one_shape() {
    let server = server().await;
    let filler = Client::login(&server, "filler").await;
    for (path, status) in [
        ("/api/v1/forms/999999", StatusCode::NOT_FOUND),
        ("/api/v1/nothing-here", StatusCode::NOT_FOUND),
        ("/api/v1/forms?state=lost", StatusCode::BAD_REQUEST),
    ] {
        let (got, body) = filler.get(path).await;
        assert_eq!(got, status, "{path}");
        assert!(
            body["code"].is_string() && body["message"].is_string(),
            "{path}: {body}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_openapi_document_lists_exactly_the_routes() {
    let server = server().await;
    let admin = Client::login(&server, "admin").await;
    let (status, document) = Client::anonymous(&server).get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, methods) in paths {
        let concrete = path
            .replace("{id}", "1")
            .replace("{number}", "1")
            .replace("{format}", "json");
        for method in methods.as_object().unwrap().keys() {
            operations += 1;
            let request = admin.http.request(
                method.to_uppercase().parse().unwrap(),
                format!("{}{concrete}", admin.base),
            );
            let request = match &admin.csrf {
                Some(csrf) => request.header("X-CSRF-Token", csrf),
                None => request,
            };
            let response = request.send().await.unwrap();
            let status = response.status();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            // Every documented operation is routed: no 405, and no fallback 404.
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert_ne!(body["code"], "no_route", "{method} {path}");
        }
    }
    assert_eq!(
        operations,
        jixiao_server::api::endpoints::<jixiao_store::SqliteStore>().len()
    );
    // And what is not documented is not routed.
    let (_, body) = admin.get("/api/v1/forms/1/secret").await;
    assert_eq!(body["code"], "no_route");
}
