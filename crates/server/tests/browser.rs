//! End to end in a real browser: headless Chromium driven through chromedriver (WebDriver, with
//! fantoccini) against a demo server in this process. A unit imports the seed document, edits a
//! score and sees the live audit flag it, saves and submits; the department returns it with a
//! comment; the unit fixes it (meeting a concurrent save on the way: the 409 merge) and hands it
//! in again; the department approves; the finance bureau publishes it and sees its dashboard;
//! a user of another unit gets the 404 page. Each step leaves a screenshot in `target/e2e/`.
//!
//! The test needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian: `apt-get install
//! chromium chromium-driver`) and fails, not skips, without them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::util::{self, Client as ApiClient};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const WAIT: Duration = Duration::from_secs(15);

/// A chromedriver process, ended when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn shots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts chromedriver on a free port and waits until it answers.
async fn start_driver() -> Driver {
    for (path, what) in [(CHROMEDRIVER, "chromedriver"), (CHROMIUM, "Chromium")] {
        assert!(
            Path::new(path).exists(),
            "{what} not found at {path}: the browser test needs headless Chromium and its \
             WebDriver. Install them with `apt-get install chromium chromium-driver`."
        );
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap();
    let log = std::fs::File::create(shots_dir().join("chromedriver.log")).unwrap();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|error| {
            panic!(
                "cannot start {CHROMEDRIVER} ({error}); install chromium and chromium-driver \
                 (`apt-get install chromium chromium-driver`)"
            )
        });
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    let http = reqwest::Client::new();
    loop {
        if let Ok(response) = http.get(format!("{}/status", driver.url)).send().await
            && response.status().is_success()
        {
            return driver;
        }
        assert!(
            started.elapsed() < WAIT,
            "chromedriver did not answer on port {port} within {WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn browser(driver: &Driver, profile: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                format!("--user-data-dir={}", profile.display()),
                "--window-size=1440,1000",
                "--lang=zh-CN",
            ],
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a WebDriver session with headless Chromium")
}

/// The browser and the server under test, with the screenshots taken so far.
struct Run {
    client: Client,
    base: String,
    shots: Vec<String>,
}

impl Run {
    async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(error) => panic!("no element {css} on {}: {error}", self.url().await),
        }
    }

    async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|url| url.to_string())
            .unwrap_or_default()
    }

    /// Waits until the element's text contains `needle`.
    async fn wait_text(&self, css: &str, needle: &str) -> String {
        let started = Instant::now();
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
                && text.contains(needle)
            {
                return text;
            }
            if started.elapsed() > WAIT {
                let body = self
                    .client
                    .find(Locator::Css("body"))
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap_or_default();
                panic!(
                    "“{needle}” did not appear in {css} on {}; the page says:\n{body}",
                    self.url().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn js(&self, script: &str) -> Value {
        self.client.execute(script, Vec::new()).await.unwrap()
    }

    /// Saves a screenshot of the window as `target/e2e/NN-name.png`.
    async fn shot(&mut self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        let file = format!("{:02}-{name}.png", self.shots.len() + 1);
        std::fs::write(shots_dir().join(&file), png).unwrap();
        self.shots.push(file);
    }

    /// Logs in through the login page as a demo account (after logging out whoever was in).
    async fn login(&self, login: &str) {
        self.client.delete_all_cookies().await.unwrap();
        self.goto("/login").await;
        self.find("#login").await.send_keys(login).await.unwrap();
        self.find("#password")
            .await
            .send_keys(jixiao_server::demo::PASSWORD)
            .await
            .unwrap();
        self.find(".login-card button[type=submit]")
            .await
            .click()
            .await
            .unwrap();
        self.wait_text(".topbar .who", "退出").await;
    }

    /// Clicks a workflow button of the form page and waits for the notice.
    async fn transition(&self, name: &str, done: &str) {
        self.find(&format!("button[name=transition][value={name}]"))
            .await
            .click()
            .await
            .unwrap();
        if name == "publish" {
            // 公开 asks for confirmation.
            self.client.accept_alert().await.unwrap();
        }
        self.wait_text(".notice.ok", done).await;
    }

    /// Replaces the text of an editor input, as a user selecting it and typing would.
    async fn retype(&self, css: &str, text: &str) {
        let input = self.find(css).await;
        // Scroll it to the middle of the window, clear of the sticky bars, as a user would.
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'})",
                vec![serde_json::to_value(&input).unwrap()],
            )
            .await
            .unwrap();
        input.click().await.unwrap();
        // Select all, then type over it.
        input.send_keys("\u{E009}a\u{E000}").await.unwrap();
        input.send_keys(text).await.unwrap();
    }

    /// Waits until the live audit has answered for what is in the editor.
    async fn audited(&self) {
        self.find("#editor[data-audit=done]").await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_form_goes_from_import_to_publication_in_a_browser() {
    let started = Instant::now();
    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let server = util::server().await;
    let client = browser(&driver, profile.path()).await;
    let mut run = Run {
        client,
        base: server.base.clone(),
        shots: Vec::new(),
    };
    for old in std::fs::read_dir(shots_dir()).unwrap().flatten() {
        if old.path().extension().is_some_and(|ext| ext == "png") {
            let _ = std::fs::remove_file(old.path());
        }
    }

    // 1. The unit logs in and imports the seed document through /import.
    run.goto("/").await;
    run.find("#login").await;
    run.shot("login").await;
    run.login("filler").await;
    run.shot("filler-dashboard").await;
    run.goto("/import").await;
    let seed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/2024-shanghai-cgj-selfeval.txt")
        .canonicalize()
        .unwrap();
    run.find("#import-file")
        .await
        .send_keys(seed.to_str().unwrap())
        .await
        .unwrap();
    run.find("form.upload button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    run.wait_text("h1", "导入预览").await;
    run.wait_text(".page-head", "读出 15 张自评表").await;
    run.shot("import-preview").await;
    run.find(".save-bar button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    run.wait_text("h1", "导入结果").await;
    run.wait_text(".page-head", "已保存 15 张").await;
    run.shot("import-saved").await;

    // 2. It opens the first imported form, and its editor.
    run.find("table.data td a[href^='/forms/']")
        .await
        .click()
        .await
        .unwrap();
    run.find(".sheet").await;
    let id: i64 = run
        .url()
        .await
        .rsplit('/')
        .next()
        .and_then(|last| last.parse().ok())
        .expect("a form page");
    run.shot("form-page").await;
    run.find("#edit-form").await.click().await.unwrap();
    run.wait_text("h1", "编辑自评表").await;
    run.audited().await;
    run.shot("editor").await;

    // The table is keyboard-friendly: Enter moves down a column; a row can be added, moved and
    // removed.
    let rows = run
        .js("return document.querySelectorAll('#ed-rows tr').length")
        .await
        .as_u64()
        .unwrap();
    run.find("[data-path=\"indicators[0].name\"]")
        .await
        .send_keys("\u{E007}")
        .await
        .unwrap();
    let focused = run
        .js("return document.activeElement.getAttribute('data-path')")
        .await;
    assert_eq!(focused, "indicators[1].name", "Enter moves down");
    run.find("#ed-add").await.click().await.unwrap();
    let focused = run
        .js("return document.activeElement.getAttribute('data-path')")
        .await;
    assert_eq!(
        focused,
        format!("indicators[{rows}].name"),
        "the new row has the focus"
    );
    run.find(&format!("button[data-act=up][data-row=\"{rows}\"]"))
        .await
        .click()
        .await
        .unwrap();
    run.find(&format!(
        "button[data-act=remove][data-row=\"{}\"]",
        rows - 1
    ))
    .await
    .click()
    .await
    .unwrap();
    let after = run
        .js("return document.querySelectorAll('#ed-rows tr').length")
        .await;
    assert_eq!(after.as_u64(), Some(rows));
    // Back to what was loaded: nothing to save, nothing to warn about.
    run.wait_text("#ed-status", "没有未保存的修改").await;
    run.audited().await;

    // 3. It changes the score of an indicator scored as the rules give, and the live audit
    //    flags that score.
    let picked = run
        .js(r#"
            for (const tr of document.querySelectorAll('#ed-rows tr')) {
                const i = tr.dataset.row;
                const score = tr.querySelector(`[data-path="indicators[${i}].score"]`).value;
                const rule = tr.querySelector('[data-rule]').textContent;
                if (score && rule === score && Number(score) >= 1 && !tr.querySelector('[class*="flag-"]')) {
                    return [Number(i), score, (Number(score) - 1).toFixed(2)];
                }
            }
            return null;
        "#)
        .await;
    let index = picked[0]
        .as_u64()
        .expect("an indicator scored by the rules");
    let original = picked[1].as_str().unwrap().to_owned();
    let lowered = picked[2].as_str().unwrap().to_owned();
    let score_input = format!("[data-path=\"indicators[{index}].score\"]");
    let finding_link = format!("#ed-findings a[data-goto=\"indicators[{index}].score\"]");
    assert!(
        run.client.find(Locator::Css(&finding_link)).await.is_err(),
        "no finding about that score yet"
    );
    run.retype(&score_input, &lowered).await;
    run.wait_text("#ed-status", "有未保存的修改").await;
    let finding = run.find(&finding_link).await;
    run.audited().await;
    let flagged = run
        .js(&format!(
            "return document.querySelector('{}').closest('td').className",
            score_input.replace('\'', "\\'")
        ))
        .await;
    assert!(
        flagged.as_str().unwrap_or_default().contains("flag-"),
        "the score's cell is highlighted: {flagged}"
    );
    let message = finding.text().await.unwrap();
    assert!(message.contains("得分"), "{message}");
    run.shot("live-audit").await;

    // Saving sends the version loaded: the form becomes version 2.
    run.retype("#ed-note", "调整得分").await;
    run.find("#ed-save").await.click().await.unwrap();
    run.wait_text("#ed-status", "已保存为第 2 版").await;
    run.shot("saved").await;
    run.find("#ed-back").await.click().await.unwrap();
    run.transition("submit", "已提交").await;
    run.shot("submitted").await;

    // 4. The department returns it with a comment.
    run.login("reviewer").await;
    run.goto(&format!("/forms/{id}")).await;
    run.find("#move-comment")
        .await
        .send_keys(&format!(
            "第{}项得分低于规则得分，请核实后重新提交。",
            index + 1
        ))
        .await
        .unwrap();
    run.transition("return", "已退回").await;
    run.shot("returned").await;

    // 5. The unit fixes the score. Meanwhile a colleague saves another change through the API,
    //    so the save meets a 409: the editor shows what changed and keeps both changes.
    run.login("filler").await;
    run.goto(&format!("/forms/{id}")).await;
    run.wait_text("#comments", "请核实后重新提交").await;
    run.find("#edit-form").await.click().await.unwrap();
    run.audited().await;
    run.retype(&score_input, &original).await;
    let colleague = ApiClient::login(&server, "filler").await;
    let (status, current) = colleague.get(&format!("/api/v1/forms/{id}")).await;
    assert_eq!(status, 200, "{current}");
    let mut form = current["form"].clone();
    form["goals"]["actual"] = json!("同事补充：全年完成情况已核对。");
    let (status, saved) = colleague
        .put(
            &format!("/api/v1/forms/{id}"),
            json!({"version": 2, "form": form, "note": "同事补充"}),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    run.audited().await;
    run.find("#ed-save").await.click().await.unwrap();
    run.wait_text("#ed-conflict", "第 2 版到第 3 版").await;
    run.wait_text("#ed-conflict", "年度总体目标 · 实际完成")
        .await;
    run.shot("conflict").await;
    run.find("#ed-keep").await.click().await.unwrap();
    run.wait_text("#ed-version", "基于第 3 版").await;
    let merged_goal = run
        .js("return document.getElementById('ed-goals-actual').value")
        .await;
    assert_eq!(merged_goal, "同事补充：全年完成情况已核对。");
    assert_eq!(
        run.find(&score_input).await.prop("value").await.unwrap(),
        Some(original.clone())
    );
    run.find("#ed-save").await.click().await.unwrap();
    run.wait_text("#ed-status", "已保存为第 4 版").await;
    run.shot("merged-and-saved").await;
    let (_, latest) = colleague.get(&format!("/api/v1/forms/{id}")).await;
    assert_eq!(
        latest["form"]["goals"]["actual"],
        "同事补充：全年完成情况已核对。"
    );
    assert_eq!(
        latest["form"]["indicators"][index as usize]["score"].to_string(),
        original
    );
    run.find("#ed-back").await.click().await.unwrap();
    run.transition("submit", "已提交").await;

    // 6. The department approves it.
    run.login("reviewer").await;
    run.goto(&format!("/forms/{id}")).await;
    run.transition("approve", "已审核通过").await;
    run.shot("approved").await;

    // 7. A user of another unit cannot open it: the form page is a 404 page for them.
    run.login("other-filler").await;
    run.goto(&format!("/forms/{id}")).await;
    run.wait_text(".error-page h1", "未找到").await;
    run.wait_text(".error-page", "无权查看").await;
    run.shot("other-unit-404").await;
    run.goto(&format!("/forms/{id}/edit")).await;
    run.wait_text(".error-page h1", "未找到").await;

    // 8. The finance bureau publishes it and looks at its dashboard.
    run.login("admin").await;
    run.goto(&format!("/forms/{id}")).await;
    run.transition("publish", "已公开").await;
    run.shot("published").await;
    run.goto("/").await;
    run.wait_text(".card-published .card-value", "1").await;
    run.shot("admin-dashboard").await;
    run.goto("/admin").await;
    run.wait_text("h1", "系统管理").await;
    run.shot("admin-page").await;

    run.client.clone().close().await.unwrap();
    eprintln!(
        "browser scenario: {} screenshots in target/e2e/ ({}) in {:.1} s",
        run.shots.len(),
        run.shots.join(", "),
        started.elapsed().as_secs_f64()
    );
}
