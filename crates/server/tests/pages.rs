//! The server-rendered pages: who sees which page, the Chinese content they see, redirects to
//! the login page, 404 for other organisations' forms, the public pages, and CSRF on page writes.

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::json;

use crate::util::{Client, SEED_TEXT, Server, form_ids, server};

/// A browser: keeps cookies, does not follow redirects, reads the CSRF token from pages.
pub(crate) struct Browser {
    pub(crate) http: reqwest::Client,
    pub(crate) base: String,
    pub(crate) csrf: String,
}

impl Browser {
    pub(crate) fn new(server: &Server) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: server.base.clone(),
            csrf: String::new(),
        }
    }

    /// Logs in through the login page's form.
    pub(crate) async fn login(server: &Server, login: &str) -> Browser {
        let mut browser = Browser::new(server);
        let (status, location, _) = browser
            .post(
                "/login",
                &[("login", login), ("password", "jixiao-demo"), ("next", "/")],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{login}");
        assert_eq!(location, "/");
        let (status, body) = browser.get("/").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        browser.csrf = csrf_of(&body);
        browser
    }

    pub(crate) async fn get(&self, path: &str) -> (StatusCode, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// A form POST; the status, the `Location` (or empty) and the body.
    pub(crate) async fn post(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String, String) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap();
        let location = response
            .headers()
            .get(LOCATION)
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (response.status(), location, response.text().await.unwrap())
    }
}

/// The CSRF token in a page's hidden fields.
fn csrf_of(page: &str) -> String {
    let start = page
        .find("name=\"_csrf\" value=\"")
        .expect("a page with a form")
        + 20;
    page[start..start + 64].to_owned()
}

/// How many times `needle` occurs in `haystack`.
fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// The id of the seed form with this project name, as the demo filler lists it.
async fn id_of(api: &Client, project: &str) -> i64 {
    let (_, body) = api.get("/api/v1/forms?per_page=500").await;
    body["forms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|form| form["project"] == project)
        .unwrap_or_else(|| panic!("no form {project}"))["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_redirect_to_the_login_page_without_a_session() {
    let server = server().await;
    let browser = Browser::new(&server);
    for path in [
        "/",
        "/forms",
        "/forms/1",
        "/import",
        "/forms?state=submitted",
    ] {
        let response = browser
            .http
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        let location = response.headers()[LOCATION].to_str().unwrap();
        assert!(location.starts_with("/login"), "{path}: {location}");
    }
    let (status, location, _) = browser
        .post("/forms/1/move", &[("transition", "submit")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/login"));
    // The login page itself and the public pages answer.
    let (status, body) = browser.get("/login?next=/forms").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("用户名") && body.contains("密码"), "{body}");
    assert!(body.contains("value=\"/forms\""));
    assert_eq!(browser.get("/public").await.0, StatusCode::OK);
    // An unknown page is an HTML 404; an unknown API address keeps its JSON 404.
    let (status, body) = browser.get("/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("没有这个页面"));
    let (status, body) = browser.get("/api/v1/nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("no_route"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_login_page_logs_in_and_out() {
    let server = server().await;
    let browser = Browser::new(&server);
    let (status, _, body) = browser
        .post(
            "/login",
            &[("login", "filler"), ("password", "wrong-password")],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("用户名或密码不正确"), "{body}");
    assert!(body.contains("value=\"filler\""), "the login name is kept");
    // Only a path of this site is a place to go after logging in.
    let (status, location, _) = browser
        .post(
            "/login",
            &[
                ("login", "filler"),
                ("password", "jixiao-demo"),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/");

    let browser = Browser::login(&server, "filler").await;
    let (status, body) = browser.get("/").await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "绩效自评",
        "工作台",
        "单位填报员",
        "上海市城市管理行政执法局",
        "填报",
        "退出",
    ] {
        assert!(body.contains(text), "{text}");
    }
    // Logging out needs the token too.
    let (status, _, _) = browser.post("/logout", &[("_csrf", "0")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, location, _) = browser
        .post("/logout", &[("_csrf", browser.csrf.as_str())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/login");
    assert_eq!(browser.get("/").await.0, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_role_has_its_dashboard() {
    let server = server().await;
    let filler = Browser::login(&server, "filler").await;
    let (status, body) = filler.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("需要修改"));
    // A draft with errors needs fixing.
    assert!(body.contains("城管执法普法宣传"));
    assert!(body.contains("草稿"));

    let reviewer = Browser::login(&server, "reviewer").await;
    let (status, body) = reviewer.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("待审核"));
    assert!(body.contains("已提交（3）"), "three forms wait for review");
    for project in [
        "课题研究",
        "行政复议受理和行政诉讼应诉工作",
        "城管执法分赛区立功竞赛活动",
    ] {
        assert!(body.contains(project), "{project}");
    }

    let admin = Browser::login(&server, "admin").await;
    let (status, body) = admin.get("/").await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "各主管部门自评表数",
        "上海市住房和城乡建设管理委员会",
        "评分等级分布",
        "预算执行率",
        "总分差额最大的项目",
        "<svg",
    ] {
        assert!(body.contains(text), "{text}");
    }

    // Another department's reviewer sees none of them.
    let other = Browser::login(&server, "other-reviewer").await;
    let (_, body) = other.get("/").await;
    assert!(body.contains("没有等待审核的自评表"));
    assert!(!body.contains("课题研究"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_list_filters_sorts_and_searches() {
    let server = server().await;
    let filler = Browser::login(&server, "filler").await;
    let (status, body) = filler.get("/forms").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("共 15 张"));
    assert_eq!(count(&body, "href=\"/forms/"), 15);

    let (_, body) = filler.get("/forms?state=submitted").await;
    assert!(body.contains("共 3 张"), "{body}");
    assert_eq!(count(&body, "class=\"badge st-submitted\""), 3);

    let (_, body) = filler.get("/forms?q=普法").await;
    assert!(body.contains("共 1 张"));
    assert!(body.contains("城管执法普法宣传"));

    let (_, body) = filler.get("/forms?errors=1&year=2024").await;
    assert!(body.contains("共 3 张"), "three seed forms have errors");

    let (_, body) = filler.get("/forms?grade=良").await;
    assert!(body.contains("共 1 张"));

    // Sorted by gap (largest first): the form reporting 8.12 more than the rules leads (−8.12).
    let (_, body) = filler.get("/forms?sort=gap").await;
    let first = body.find("href=\"/forms/").unwrap();
    assert!(body[first..first + 200].contains("城管执法普法宣传"));
    let (_, body) = filler.get("/forms?sort=project&dir=asc&page=9").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        count(&body, "href=\"/forms/"),
        15,
        "a page past the end shows the last"
    );

    // Empty filter values (as a form sends them) are no filter.
    let (status, body) = filler
        .get("/forms?q=&year=&state=&grade=&errors=&sort=&dir=")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("共 15 张"));

    let other = Browser::login(&server, "other-filler").await;
    let (_, body) = other.get("/forms").await;
    assert!(body.contains("没有符合条件的自评表"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_form_page_shows_the_form_findings_and_rights() {
    let server = server().await;
    let api = Client::login(&server, "filler").await;
    let id = id_of(&api, "城管执法普法宣传").await;
    let filler = Browser::login(&server, "filler").await;
    let (status, body) = filler.get(&format!("/forms/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "城管执法普法宣传",
        "财政项目支出绩效自评表",
        "审核发现",
        "草稿",
        "95.00",
        "86.88",
        "\u{2212}8.12",
        "等级不符",
        "版本历史",
        "演示数据导入",
        "data-marker=\"m-1-",
        &format!("/api/v1/forms/{id}/export/pdf"),
        &format!("/api/v1/forms/{id}/export/xlsx"),
    ] {
        assert!(body.contains(text), "{text}");
    }
    // A filler submits; they do not approve.
    assert!(body.contains("value=\"submit\""));
    assert!(!body.contains("value=\"approve\""));

    // Forms of another organisation are a 404 page, for fillers and reviewers alike.
    for login in ["other-filler", "other-reviewer"] {
        let other = Browser::login(&server, login).await;
        let (status, body) = other.get(&format!("/forms/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{login}");
        assert!(body.contains("找不到"));
        assert!(!body.contains("城管执法普法宣传"));
    }
    let (status, _) = filler.get("/forms/99999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The diff between two versions.
    let (status, body) = filler.get(&format!("/forms/{id}?from=1&to=1")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("两个版本内容相同"));
}

#[tokio::test(flavor = "multi_thread")]
async fn page_writes_need_the_csrf_token_and_follow_the_workflow() {
    let server = server().await;
    let api = Client::login(&server, "filler").await;
    let id = id_of(&api, "课题研究").await;
    let reviewer = Browser::login(&server, "reviewer").await;
    let path = format!("/forms/{id}/move");

    // No token, or a wrong one: refused, nothing moves.
    let (status, _, _) = reviewer.post(&path, &[("transition", "approve")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = reviewer
        .post(
            &path,
            &[("transition", "approve"), ("_csrf", &"0".repeat(64))],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = reviewer
        .post(&format!("/forms/{id}/comments"), &[("body", "无令牌")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, body) = api.get(&format!("/api/v1/forms/{id}")).await;
    assert_eq!(body["record"]["state"], "submitted");

    // A return needs a comment.
    let csrf = reviewer.csrf.as_str();
    let (status, _, body) = reviewer
        .post(
            &path,
            &[("_csrf", csrf), ("transition", "return"), ("comment", " ")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("退回时须填写意见"), "{body}");
    let (status, location, _) = reviewer
        .post(
            &path,
            &[
                ("_csrf", csrf),
                ("transition", "return"),
                ("comment", "请补充偏差原因"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/forms/{id}?done=return"));

    // The unit sees it returned, with the comment, and may submit again.
    let filler = Browser::login(&server, "filler").await;
    let (_, body) = filler.get(&format!("/forms/{id}?done=return")).await;
    assert!(body.contains("已退回"));
    assert!(body.contains("请补充偏差原因"));
    assert!(body.contains("value=\"submit\""));
    // A filler cannot approve, even by posting the button's value.
    let (status, _, body) = filler
        .post(&path, &[("_csrf", &filler.csrf), ("transition", "approve")])
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "approve does not apply to 已退回"
    );
    assert!(body.contains("不能审核通过"), "{body}");

    // A comment through the page.
    let (status, location, _) = filler
        .post(
            &format!("/forms/{id}/comments"),
            &[("_csrf", &filler.csrf), ("body", "已补充，请再审")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with(&format!("/forms/{id}")));
    let (status, location, _) = filler
        .post(&path, &[("_csrf", &filler.csrf), ("transition", "submit")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let (_, body) = reviewer.get(&format!("/forms/{id}")).await;
    assert!(body.contains("已补充，请再审"));
    assert!(body.contains("value=\"approve\""));

    // Another department's reviewer gets a 404 for the form, token or not.
    let other = Browser::login(&server, "other-reviewer").await;
    let (status, _, _) = other
        .post(&path, &[("_csrf", &other.csrf), ("transition", "approve")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_public_pages_show_only_published_forms() {
    let server = server().await;
    let anonymous = Browser::new(&server);
    let (status, body) = anonymous.get("/public").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("暂无已公开的自评表"));

    // Approve and publish one of the submitted forms.
    let filler = Client::login(&server, "filler").await;
    let published = id_of(&filler, "课题研究").await;
    let approved = id_of(&filler, "城管执法分赛区立功竞赛活动").await;
    let draft = id_of(&filler, "城管执法普法宣传").await;
    let reviewer = Client::login(&server, "reviewer").await;
    for id in [published, approved] {
        let (status, body) = reviewer
            .post(
                &format!("/api/v1/forms/{id}/transitions"),
                json!({"transition": "approve"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let admin = Client::login(&server, "admin").await;
    let (status, body) = admin
        .post(
            &format!("/api/v1/forms/{published}/transitions"),
            json!({"transition": "publish"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, body) = anonymous.get("/public").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("课题研究"));
    assert!(body.contains("2024 年度"));
    assert!(body.contains("上海市住房和城乡建设管理委员会"));
    assert!(
        !body.contains("城管执法分赛区立功竞赛活动"),
        "approved, not published"
    );
    assert!(!body.contains("城管执法普法宣传"), "a draft");
    assert_eq!(
        count(&body, "href=\"/public/forms/"),
        1 + 2,
        "a link and two downloads"
    );
    let (_, body) = anonymous.get("/public?year=2023").await;
    assert!(body.contains("暂无已公开的自评表"));

    let (status, body) = anonymous.get(&format!("/public/forms/{published}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("财政项目支出绩效自评表"));
    assert!(body.contains("课题研究"));
    for id in [approved, draft, 99999] {
        let (status, _) = anonymous.get(&format!("/public/forms/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
        let (status, _) = anonymous
            .get(&format!("/public/forms/{id}/export/xlsx"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
    }
    let response = anonymous
        .http
        .get(format!(
            "{}/public/forms/{published}/export/xlsx",
            server.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(response.bytes().await.unwrap().starts_with(b"PK"));
    let (status, _) = anonymous
        .get(&format!("/public/forms/{published}/export/json"))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "only PDF and XLSX are public"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_import_page_previews_then_saves_the_chosen_forms() {
    let server = server().await;
    let filler = Browser::login(&server, "filler").await;
    let (status, body) = filler.get("/import").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("上传并预览"));

    let upload = |csrf: &str| {
        reqwest::multipart::Form::new()
            .text("_csrf", csrf.to_owned())
            .part(
                "file",
                reqwest::multipart::Part::bytes(SEED_TEXT.as_bytes().to_vec())
                    .file_name("seed.txt"),
            )
    };
    // Without the token: refused.
    let response = filler
        .http
        .post(format!("{}/import", server.base))
        .multipart(upload("nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let response = filler
        .http
        .post(format!("{}/import", server.base))
        .multipart(upload(&filler.csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(body.contains("读出 15 张自评表"), "{body}");
    assert!(body.contains("城管执法普法宣传"));
    assert!(body.contains("86.88"), "the rule total");
    assert!(body.contains("保存所选"));
    assert_eq!(count(&body, "name=\"pick\""), 15);

    // Save the first two: the hidden JSON of each, and the picks.
    let hidden = |index: usize| {
        let key = format!("name=\"form{index}\" value=\"");
        let start = body.find(&key).unwrap() + key.len();
        let end = start + body[start..].find('"').unwrap();
        body[start..end]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    };
    let (form0, form1) = (hidden(0), hidden(1));
    let fields = [
        ("_csrf", filler.csrf.as_str()),
        ("pick", "0"),
        ("pick", "1"),
        ("form0", form0.as_str()),
        ("form1", form1.as_str()),
    ];
    let (status, _, _) = filler.post("/import/save", &fields[1..]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no token");
    let (status, _, saved) = filler.post("/import/save", &fields).await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    assert!(saved.contains("已保存 2 张"));
    assert!(saved.contains("课题研究"));
    let api = Client::login(&server, "filler").await;
    assert_eq!(form_ids(&api).await.len(), 17);

    // A reviewer previews but cannot save.
    let reviewer = Browser::login(&server, "reviewer").await;
    let response = reviewer
        .http
        .post(format!("{}/import", server.base))
        .multipart(upload(&reviewer.csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(body.contains("审核角色不能保存自评表"));
    assert!(!body.contains("name=\"pick\""));
    let (status, _, _) = reviewer
        .post(
            "/import/save",
            &[
                ("_csrf", reviewer.csrf.as_str()),
                ("pick", "0"),
                ("form0", form0.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_assets_are_served_from_the_binary() {
    let server = server().await;
    let browser = Browser::new(&server);
    for (path, kind, text) in [
        ("/assets/app.css", "text/css", "--accent"),
        ("/assets/form.css", "text/css", "table.grid"),
        ("/assets/app.js", "text/javascript", "data-marker"),
    ] {
        let response = browser
            .http
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind)
        );
        let body = response.text().await.unwrap();
        assert!(body.contains(text), "{path}");
        if path == "/assets/form.css" {
            // The renderer's page-level rules are left out: the pages own html and body.
            assert!(
                !body.contains("html {") && !body.contains("body {"),
                "{body}"
            );
        }
    }
}
