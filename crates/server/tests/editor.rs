//! The editor's server side: the live scoring endpoint (`POST /api/v1/score`), who gets the
//! editor page, and the administration and account pages (organisations, users, API tokens).

use reqwest::StatusCode;
use serde_json::json;

use crate::util::{Client, form_ids, new_draft, seed_form, server};

/// A page client (the pages tests' browser).
use crate::pages::Browser as Pages;

#[tokio::test(flavor = "multi_thread")]
async fn scoring_a_form_body_saves_nothing_and_points_at_fields() {
    let server = server().await;
    let filler = Client::login(&server, "filler").await;
    let form = seed_form();

    let (status, body) = filler.post("/api/v1/score", form.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let report = &body["report"];
    assert_eq!(report["project"], form["project"]);
    assert!(report["rule"]["total"].is_number(), "{report}");
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(body["fields"].as_array().unwrap().len(), findings.len());
    assert_eq!(
        body["indicators"].as_array().unwrap().len(),
        form["indicators"].as_array().unwrap().len()
    );
    let counted: u64 = ["error", "warning", "info"]
        .iter()
        .map(|severity| body["counts"][severity].as_u64().unwrap())
        .sum();
    assert_eq!(counted as usize, findings.len());

    // A score raised past its weight is a finding about that very score.
    let mut raised = form.clone();
    let weight: f64 = raised["indicators"][0]["weight"]
        .to_string()
        .parse()
        .unwrap();
    raised["indicators"][0]["score"] = json!(weight + 5.0);
    let (status, body) = filler.post("/api/v1/score", raised).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| field.as_str().unwrap())
        .collect();
    assert!(fields.contains(&"indicators[0].score"), "{fields:?}");
    assert!(fields.contains(&"total.score"), "{fields:?}");

    // Numbers keep their printed scale.
    let (_, text) = filler
        .send(
            filler
                .http
                .post(format!("{}/api/v1/score", server.base))
                .header("X-CSRF-Token", filler.csrf.as_deref().unwrap())
                .header("Content-Type", "application/json")
                .body(serde_json::to_string(&form).unwrap()),
        )
        .await;
    assert!(
        text["report"]["reported"]["total"]
            .to_string()
            .contains('.')
    );

    // Nothing was saved: the forms are those of the demo.
    assert_eq!(form_ids(&filler).await.len(), 15);
}

#[tokio::test(flavor = "multi_thread")]
async fn scoring_needs_a_login_and_the_csrf_token_and_a_form() {
    let server = server().await;
    let form = seed_form();
    let (status, _) = Client::anonymous(&server)
        .post("/api/v1/score", form.clone())
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let mut reviewer = Client::login(&server, "other-reviewer").await;
    assert_eq!(
        reviewer.post("/api/v1/score", form.clone()).await.0,
        StatusCode::OK,
        "any logged-in user may score"
    );
    let (status, body) = reviewer.post("/api/v1/score", json!({"year": "x"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "invalid");
    reviewer.csrf = None;
    let (status, body) = reviewer.post("/api/v1/score", form).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["code"], "csrf");
    // And the OpenAPI document lists it.
    let (_, document) = Client::anonymous(&server).get("/api/openapi.json").await;
    assert!(document["paths"]["/api/v1/score"]["post"].is_object());
}

#[tokio::test(flavor = "multi_thread")]
async fn only_those_who_may_edit_get_the_editor() {
    let server = server().await;
    let api = Client::login(&server, "filler").await;
    let draft = new_draft(&api).await;
    let filler = Pages::login(&server, "filler").await;

    let (status, page) = filler.get(&format!("/forms/{draft}/edit")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("编辑自评表"));
    assert!(page.contains("data-form=\"{"), "the stored form is carried");
    assert!(page.contains("data-version=\"1\""));
    assert!(page.contains("/assets/editor.js"));
    assert!(page.contains("name=\"csrf-token\""));
    // The form page links to it.
    let (_, detail) = filler.get(&format!("/forms/{draft}")).await;
    assert!(detail.contains(&format!("href=\"/forms/{draft}/edit\"")));

    // The department may read but not edit: 403 page; another unit may not read: 404 page.
    let reviewer = Pages::login(&server, "reviewer").await;
    let (status, page) = reviewer.get(&format!("/forms/{draft}/edit")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("不能修改"), "{page}");
    let (_, detail) = reviewer.get(&format!("/forms/{draft}")).await;
    assert!(!detail.contains("/edit\""));
    let other = Pages::login(&server, "other-filler").await;
    let (status, page) = other.get(&format!("/forms/{draft}/edit")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("未找到"));

    // A submitted form is closed to its unit too.
    let (status, _) = api
        .post(
            &format!("/api/v1/forms/{draft}/transitions"),
            json!({"transition": "submit"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        filler.get(&format!("/forms/{draft}/edit")).await.0,
        StatusCode::FORBIDDEN
    );

    // Without a session: the login page.
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = anonymous
        .get(format!("{}/forms/{draft}/edit", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // The script is served.
    let response = anonymous
        .get(format!("{}/assets/editor.js", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(response.text().await.unwrap().contains("/api/v1/score"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_admin_page_manages_organisations_and_users() {
    let server = server().await;
    let admin = Pages::login(&server, "admin").await;
    let (status, page) = admin.get("/admin").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("系统管理") && page.contains("上海市财政局"));
    assert!(page.contains("other-filler"), "the users are listed");

    // The department of the demo, to put a new unit under.
    let api = Client::login(&server, "admin").await;
    let (_, orgs) = api.get("/api/v1/orgs").await;
    let department = orgs["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|org| org["kind"] == "department")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let (status, location, _) = admin
        .post(
            "/admin/orgs",
            &[
                ("_csrf", &admin.csrf),
                ("name", "上海市测试单位"),
                ("kind", "unit"),
                ("parent", &department),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/admin?done=org"));
    let (_, page) = admin.get("/admin?done=org").await;
    assert!(page.contains("上海市测试单位") && page.contains("机构已添加"));

    // A unit must sit under a department: the error is shown with what was typed.
    let (status, _, page) = admin
        .post(
            "/admin/orgs",
            &[
                ("_csrf", &admin.csrf),
                ("name", "无上级的单位"),
                ("kind", "unit"),
                ("parent", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains("无上级的单位") && page.contains("notice error"));

    let (_, orgs) = api.get("/api/v1/orgs").await;
    let unit = orgs["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|org| org["name"] == "上海市测试单位")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let (status, location, _) = admin
        .post(
            "/admin/users",
            &[
                ("_csrf", &admin.csrf),
                ("login", "tester"),
                ("name", "测试填报员"),
                ("org", &unit),
                ("role", "filler"),
                ("password", "tester-password"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/admin?done=user"));
    let (status, body) = Client::anonymous(&server)
        .post(
            "/api/v1/login",
            json!({"login": "tester", "password": "tester-password"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["org_name"], "上海市测试单位");

    // Too short a password.
    let (status, _, page) = admin
        .post(
            "/admin/users",
            &[
                ("_csrf", &admin.csrf),
                ("login", "short"),
                ("name", "短密码"),
                ("org", &unit),
                ("role", "filler"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("密码至少需要"));

    // Without the CSRF field nothing happens.
    let (status, _, _) = admin
        .post(
            "/admin/orgs",
            &[("name", "伪造"), ("kind", "department"), ("parent", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Only the finance bureau's administrators.
    for login in ["filler", "reviewer"] {
        let pages = Pages::login(&server, login).await;
        let (status, page) = pages.get("/admin").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{login}");
        assert!(page.contains("无权操作"));
        assert!(!pages.get("/").await.1.contains("href=\"/admin\""));
        let (status, _, _) = pages
            .post(
                "/admin/users",
                &[
                    ("_csrf", &pages.csrf),
                    ("login", "intruder"),
                    ("name", "x"),
                    ("org", &unit),
                    ("role", "admin"),
                    ("password", "intruder-password"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{login}");
    }
    assert!(admin.get("/").await.1.contains("href=\"/admin\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn users_manage_their_own_api_tokens() {
    let server = server().await;
    let filler = Pages::login(&server, "filler").await;
    let (status, page) = filler.get("/account").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("我的账户") && page.contains("尚未创建令牌"));

    let (status, _, page) = filler
        .post(
            "/account/tokens",
            &[("_csrf", &filler.csrf), ("name", "绩效汇总脚本甲")],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{page}");
    let start = page.find("id=\"new-token\"").expect("the secret is shown");
    let secret: String = page[start..]
        .split('>')
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(secret.len(), 64, "{page}");
    let mut bearer = Client::anonymous(&server);
    bearer.bearer = Some(secret.clone());
    let (status, me) = bearer.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["login"], "filler");

    // Shown once: the list has its name, not its secret.
    let (_, page) = filler.get("/account").await;
    assert!(page.contains("绩效汇总脚本甲"));
    assert!(!page.contains(&secret));
    // Another user does not see it.
    let (_, other) = Pages::login(&server, "reviewer")
        .await
        .get("/account")
        .await;
    assert!(!other.contains("绩效汇总脚本甲"));

    let (_, tokens) = Client::login(&server, "filler")
        .await
        .get("/api/v1/tokens")
        .await;
    let id = tokens["tokens"][0]["id"].as_i64().unwrap();
    let (status, location, _) = filler
        .post(
            &format!("/account/tokens/{id}/revoke"),
            &[("_csrf", &filler.csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/account?done=revoked"));
    assert_eq!(bearer.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    let (_, page) = filler.get("/account?done=revoked").await;
    assert!(page.contains("令牌已吊销") && page.contains("尚未创建令牌"));

    // A token needs a name.
    let (status, _, page) = filler
        .post("/account/tokens", &[("_csrf", &filler.csrf), ("name", " ")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("请填写令牌的用途"));
}
