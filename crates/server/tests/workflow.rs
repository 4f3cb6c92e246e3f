//! A form from import to publication through the API alone.

use reqwest::StatusCode;
use serde_json::{Value, json};

/// A JSON number written as forms print it (`6.88`, `97.00`): scale matters to the audit.
fn number(text: &str) -> Value {
    Value::Number(text.parse().unwrap())
}

use crate::util::{Client, SEED_TEXT, form_ids, new_draft, seed_form, server};

#[tokio::test(flavor = "multi_thread")]
async fn import_review_return_fix_approve_publish() {
    let server = server().await;
    let filler = Client::login(&server, "filler").await;
    let reviewer = Client::login(&server, "reviewer").await;
    let admin = Client::login(&server, "admin").await;

    // Preview the published seed document, then save it.
    let (status, preview) = filler
        .post_bytes("/api/v1/import", SEED_TEXT.as_bytes().to_vec())
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["forms"].as_array().unwrap().len(), 15);
    assert_eq!(preview["saved"].as_array().unwrap().len(), 0);
    assert_eq!(
        preview["forms"][14]["report"]["rule"]["total"].to_string(),
        "86.88"
    );
    let before = form_ids(&filler).await.len();
    let (status, saved) = filler
        .post_bytes("/api/v1/import?save=true", SEED_TEXT.as_bytes().to_vec())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    assert_eq!(form_ids(&filler).await.len(), before + 15);
    let id = saved["saved"][14].as_i64().unwrap();

    // 城管执法普法宣传: reported 95.00 (优), rule 86.88 (良), with its finding.
    let (_, form) = filler.get(&format!("/api/v1/forms/{id}")).await;
    assert_eq!(form["record"]["reported_total"].to_string(), "95.00");
    assert_eq!(form["record"]["rule_total"].to_string(), "86.88");
    assert_eq!(form["record"]["rule_grade"], "良");
    let codes: Vec<&str> = form["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"score-above-rule"), "{codes:?}");
    assert_eq!(form["rights"]["edit"], true);
    assert_eq!(form["rights"]["transitions"], json!(["submit"]));

    let path = format!("/api/v1/forms/{id}/transitions");
    let (status, body) = filler.post(&path, json!({"transition": "submit"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["record"]["state"], "submitted");

    // Submitted: the unit can no longer edit it.
    let edit = json!({"version": 1, "form": form["form"]});
    let (status, _) = filler.put(&format!("/api/v1/forms/{id}"), edit).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A return must say why.
    let (status, body) = reviewer.post(&path, json!({"transition": "return"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = reviewer
        .post(
            &path,
            json!({"transition": "return", "comment": "宣传资料数量未达目标，得分应按比例计算"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // The unit fixes the score: 6017/17500×20 = 6.88, the total 86.88, the grade 良.
    let mut fixed = form["form"].clone();
    let indicators = fixed["indicators"].as_array_mut().unwrap();
    let index = indicators
        .iter()
        .position(|i| i["name"] == "制作、发放宣传资料数量")
        .unwrap();
    indicators[index]["score"] = number("6.88");
    indicators[index]["note"] = json!("受经费调整影响，宣传资料印制数量减少");
    fixed["total"]["score"] = number("86.88");
    fixed["grade"] = json!("良");
    let (status, body) = filler
        .put(
            &format!("/api/v1/forms/{id}"),
            json!({"version": 1, "form": fixed, "note": "按规则修正得分"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["record"]["version"], 2);
    assert_eq!(body["record"]["errors"], 0, "{}", body["report"]);

    let (status, _) = filler.post(&path, json!({"transition": "submit"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = reviewer.post(&path, json!({"transition": "approve"})).await;
    assert_eq!(status, StatusCode::OK);
    // Publishing is the finance bureau's.
    let (status, _) = reviewer.post(&path, json!({"transition": "publish"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = admin.post(&path, json!({"transition": "publish"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["record"]["state"], "published");
    assert_eq!(body["rights"]["transitions"], json!([]));

    // Published: anyone logged in may read it; nobody may change it.
    let other = Client::login(&server, "other-filler").await;
    let (status, _) = other.get(&format!("/api/v1/forms/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = filler
        .put(
            &format!("/api/v1/forms/{id}"),
            json!({"version": 2, "form": form["form"]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The history: two versions, their diff, the comment, the log.
    let (_, versions) = reviewer.get(&format!("/api/v1/forms/{id}/versions")).await;
    let notes: Vec<&str> = versions["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["note"].as_str().unwrap())
        .collect();
    assert_eq!(notes, ["导入", "按规则修正得分"]);
    let (_, diff) = reviewer
        .get(&format!("/api/v1/forms/{id}/diff?from=1&to=2"))
        .await;
    let paths: Vec<&str> = diff["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"total.score"), "{paths:?}");
    assert!(paths.contains(&format!("indicators[{index}].score").as_str()));
    let (_, comments) = filler.get(&format!("/api/v1/forms/{id}/comments")).await;
    assert_eq!(
        comments["comments"][0]["body"],
        "宣传资料数量未达目标，得分应按比例计算"
    );
    let (_, log) = admin.get(&format!("/api/v1/forms/{id}/log")).await;
    let actions: Vec<&str> = log["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "publish", "approve", "submit", "save", "return", "submit", "create"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn of_two_editors_the_second_gets_409_and_overwrites_nothing() {
    let server = server().await;
    let admin = Client::login(&server, "admin").await;
    let (_, me) = Client::login(&server, "filler")
        .await
        .get("/api/v1/me")
        .await;
    let unit = me["user"]["org"].as_i64().unwrap();
    let (status, body) = admin
        .post(
            "/api/v1/users",
            json!({"login": "filler2", "name": "第二填报员", "org": unit, "role": "filler",
                   "password": "jixiao-demo"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let first = Client::login(&server, "filler").await;
    let second = Client::login(&server, "filler2").await;
    let id = new_draft(&first).await;

    let mut mine = seed_form();
    mine["total"]["score"] = number("97.00");
    let mut theirs = seed_form();
    theirs["total"]["score"] = number("50.00");
    let (status, _) = first
        .put(
            &format!("/api/v1/forms/{id}"),
            json!({"version": 1, "form": mine}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = second
        .put(
            &format!("/api/v1/forms/{id}"),
            json!({"version": 1, "form": theirs}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "stale");
    assert_eq!(body["version"], 2);
    let (_, form) = second.get(&format!("/api/v1/forms/{id}")).await;
    assert_eq!(form["form"]["total"]["score"].to_string(), "97.00");
    assert_eq!(form["record"]["version"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_form_json_is_refused_with_its_path() {
    let server = server().await;
    let filler = Client::login(&server, "filler").await;
    let mut form = seed_form();
    form["indicators"][2]["weight"] = json!("十分");
    let (status, body) = filler.post("/api/v1/forms", form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("indicators[2].weight"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn exports_render_the_stored_version() {
    let server = server().await;
    let filler = Client::login(&server, "filler").await;
    let id = form_ids(&filler).await[0];
    let (_, form) = filler.get(&format!("/api/v1/forms/{id}")).await;
    let project = form["record"]["project"].as_str().unwrap().to_owned();
    for (format, kind) in [
        ("html", "text/html"),
        ("md", "text/markdown"),
        ("json", "application/json"),
        ("xlsx", "application/vnd.openxmlformats"),
    ] {
        let response = filler
            .http
            .get(format!(
                "{}/api/v1/forms/{id}/export/{format}?audit=true",
                filler.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{format}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(content_type.starts_with(kind), "{format}: {content_type}");
        let bytes = response.bytes().await.unwrap();
        if format != "xlsx" {
            let text = String::from_utf8(bytes.to_vec()).unwrap();
            assert!(text.contains(&project), "{format}");
        } else {
            assert!(bytes.starts_with(b"PK"));
        }
    }
    let (status, body) = filler.get(&format!("/api/v1/forms/{id}/export/doc")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}
