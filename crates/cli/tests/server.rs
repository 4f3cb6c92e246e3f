//! `jixiao serve`, `org`, `user` and `backup` end to end: the built binary on a database in a
//! temporary directory, spoken to over real HTTP.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::blocking::Client;
use serde_json::{Value, json};

use super::{repo, seed_json, seed_text};

const ADMIN_PASSWORD: &str = "管理员的密码-2024";
const FILLER_PASSWORD: &str = "filler-password";
const STARTED: &str = "jixiao 已启动：http://";

/// The binary, run from the repository with none of its environment variables set.
fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    command
        .args(args)
        .current_dir(repo())
        .env_remove("JIXIAO_DB")
        .env_remove("JIXIAO_PASSWORD");
    command
}

fn run(args: &[&str]) -> Output {
    command(args).output().expect("jixiao runs")
}

fn run_with_password(args: &[&str], password: &str) -> Output {
    command(args)
        .env("JIXIAO_PASSWORD", password)
        .output()
        .expect("jixiao runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// Asserts the command succeeded; its standard output.
fn ok(output: Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

/// A database in its own temporary directory.
struct Db {
    dir: tempfile::TempDir,
    path: String,
}

impl Db {
    fn empty() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jixiao.db").to_str().unwrap().to_owned();
        Db { dir, path }
    }

    /// A finance bureau with an admin, a department, and a unit with a filler, made with the
    /// commands the empty database's hint suggests.
    fn bootstrapped() -> Db {
        let db = Db::empty();
        db.org("某市财政局", "finance", None);
        db.org("某市城管局", "department", Some("某市财政局"));
        // The parent by number this time.
        db.org("某市城管执法总队", "unit", Some("2"));
        let admin = db.user("admin", "管理员", "某市财政局", "admin");
        ok(run_with_password(&admin, ADMIN_PASSWORD));
        let filler = db.user("filler", "填报员", "某市城管执法总队", "filler");
        ok(run_with_password(&filler, FILLER_PASSWORD));
        db
    }

    fn org(&self, name: &str, kind: &str, parent: Option<&str>) -> String {
        let mut args = vec![
            "org", "add", "--db", &self.path, "--name", name, "--kind", kind,
        ];
        if let Some(parent) = parent {
            args.extend(["--parent", parent]);
        }
        ok(run(&args))
    }

    /// The arguments of `user add` (the password goes separately).
    fn user<'a>(
        &'a self,
        login: &'a str,
        name: &'a str,
        org: &'a str,
        role: &'a str,
    ) -> Vec<&'a str> {
        vec![
            "user", "add", "--db", &self.path, "--login", login, "--name", name, "--org", org,
            "--role", role,
        ]
    }

    fn list(&self, what: &str) -> String {
        ok(run(&[what, "list", "--db", &self.path]))
    }

    fn file(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }
}

/// A running `jixiao serve`, killed when dropped.
struct Server {
    child: Child,
    base: String,
    /// What it printed before the line saying it had started.
    banner: Vec<String>,
}

impl Server {
    /// Starts `jixiao serve --db DB` on an ephemeral port and waits until it listens.
    fn start(db: &Db) -> Server {
        let log = std::fs::File::create(db.file("serve.stderr")).unwrap();
        let mut child = command(&["serve", "--db", &db.path, "--addr", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("jixiao serve runs");
        // Read standard output on a thread (to its end, so the server never blocks on it),
        // and wait here with a deadline for the line with the address.
        let stdout = child.stdout.take().unwrap();
        let (lines, received) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut banner = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match received.recv_timeout(left) {
                Ok(line) => match line.strip_prefix(STARTED) {
                    Some(rest) => {
                        let address = rest.split('/').next().unwrap();
                        return Server {
                            child,
                            base: format!("http://{address}"),
                            banner,
                        };
                    }
                    None => banner.push(line),
                },
                Err(_) => {
                    let _ = child.kill();
                    let status = child.wait();
                    let stderr = std::fs::read_to_string(db.file("serve.stderr"));
                    panic!("serve did not start ({status:?}): {banner:?} {stderr:?}");
                }
            }
        }
    }

    /// SIGKILL: no graceful shutdown, no checkpoint.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A logged-in user: the cookie is kept by the client, the CSRF token sent on writes.
#[derive(Clone)]
struct Session {
    http: Client,
    base: String,
    csrf: String,
}

fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn try_login(server: &Server, login: &str, password: &str) -> (StatusCode, Value, Client) {
    let http = client();
    let response = http
        .post(format!("{}/api/v1/login", server.base))
        .json(&json!({"login": login, "password": password}))
        .send()
        .unwrap();
    let status = response.status();
    let body = response.json().unwrap_or(Value::Null);
    (status, body, http)
}

fn login(server: &Server, login: &str, password: &str) -> Session {
    let (status, body, http) = try_login(server, login, password);
    assert_eq!(status, StatusCode::OK, "{login}: {body}");
    Session {
        http,
        base: server.base.clone(),
        csrf: body["csrf"].as_str().unwrap().to_owned(),
    }
}

impl Session {
    fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .unwrap();
        let status = response.status();
        (status, response.json().unwrap_or(Value::Null))
    }

    fn post(&self, path: &str, body: &Value, csrf: bool) -> (StatusCode, Value) {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(body);
        if csrf {
            request = request.header("X-CSRF-Token", &self.csrf);
        }
        let response = request.send().unwrap();
        let status = response.status();
        (status, response.json().unwrap_or(Value::Null))
    }

    /// `POST /api/v1/import?save=true` with the document; the ids saved, when the server
    /// answered 201 with them. Errors (a killed server) are returned, not panicked on.
    fn import(&self, document: &[u8]) -> Result<(StatusCode, Value), reqwest::Error> {
        let response = self
            .http
            .post(format!("{}/api/v1/import?save=true", self.base))
            .header("X-CSRF-Token", &self.csrf)
            .body(document.to_vec())
            .send()?;
        let status = response.status();
        Ok((status, response.json()?))
    }

    /// Every form the user can list, page by page: id → the list's record.
    fn forms(&self) -> Vec<Value> {
        let mut forms = Vec::new();
        for page in 1.. {
            let (status, body) = self.get(&format!("/api/v1/forms?per_page=500&page={page}"));
            assert_eq!(status, StatusCode::OK, "{body}");
            let listed = body["forms"].as_array().unwrap();
            forms.extend(listed.iter().cloned());
            if listed.is_empty() || forms.len() as u64 >= body["total"].as_u64().unwrap() {
                break;
            }
        }
        forms
    }
}

fn integrity_ok(db: &Db) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = jixiao_store::SqliteStore::open(&db.path).await.unwrap();
        store
            .check_integrity()
            .await
            .expect("PRAGMA integrity_check");
        store.close().await;
    });
}

#[test]
fn an_empty_database_is_bootstrapped_from_the_command_line() {
    let db = Db::empty();

    // An empty database: the server says how to make the first admin before it says it is up.
    let mut server = Server::start(&db);
    let hint = server.banner.join("\n");
    assert!(hint.contains("还没有用户"), "{hint}");
    assert!(
        hint.contains(&format!("jixiao org add --db {}", db.path)),
        "{hint}"
    );
    assert!(
        hint.contains("jixiao user add") && hint.contains("--role admin"),
        "{hint}"
    );
    server.kill();

    assert_eq!(
        db.org("某市财政局", "finance", None),
        "已新增财政局“某市财政局”（编号 1）\n"
    );
    assert_eq!(
        db.org("某市城管局", "department", Some("某市财政局")),
        "已新增主管部门“某市城管局”（编号 2）\n"
    );
    assert_eq!(
        db.org("某市城管执法总队", "unit", Some("2")),
        "已新增实施单位“某市城管执法总队”（编号 3）\n"
    );
    let unknown = run(&[
        "org",
        "add",
        "--db",
        &db.path,
        "--name",
        "无主单位",
        "--kind",
        "unit",
        "--parent",
        "某某局",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains("“某某局”"),
        "{}",
        text(&unknown.stderr)
    );

    // The password from the environment, or from standard input's first line.
    let admin = db.user("admin", "管理员", "某市财政局", "admin");
    assert_eq!(
        ok(run_with_password(&admin, ADMIN_PASSWORD)),
        "已新增用户 admin（财政，某市财政局）\n"
    );
    let mut filler = command(&db.user("filler", "填报员", "3", "filler"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(filler.stdin.take().unwrap(), "{FILLER_PASSWORD}").unwrap();
    assert_eq!(
        ok(filler.wait_with_output().unwrap()),
        "已新增用户 filler（填报，某市城管执法总队）\n"
    );

    // Too short: refused with exit code 2 and a reason, and nobody is created.
    let short = run_with_password(&db.user("weak", "弱密码", "某市财政局", "admin"), "1234567");
    assert_eq!(short.status.code(), Some(2));
    assert!(
        text(&short.stderr).contains("密码至少需要8个字符"),
        "{}",
        text(&short.stderr)
    );
    assert_eq!(text(&short.stdout), "");

    assert_eq!(
        db.list("org"),
        "1\t财政局\t\t某市财政局\n2\t主管部门\t1\t某市城管局\n3\t实施单位\t2\t某市城管执法总队\n"
    );
    assert_eq!(
        db.list("user"),
        "admin\t管理员\t财政\t某市财政局\nfiller\t填报员\t填报\t某市城管执法总队\n"
    );

    // Served again: no hint, and the new admin logs in over HTTP.
    let server = Server::start(&db);
    assert!(
        !server.banner.join("\n").contains("还没有用户"),
        "{:?}",
        server.banner
    );
    let (status, _, _) = try_login(&server, "admin", "not-the-password");
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let admin = login(&server, "admin", ADMIN_PASSWORD);
    let (status, me) = admin.get("/api/v1/me");
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["user"]["login"], "admin");
    assert_eq!(me["user"]["role"], "admin");
    assert_eq!(me["user"]["org_name"], "某市财政局");
    let (_, orgs) = admin.get("/api/v1/orgs");
    assert_eq!(orgs["orgs"].as_array().unwrap().len(), 3, "{orgs}");

    // A write with the cookie needs the CSRF token; with it the admin adds a reviewer, whom the
    // command line sees in the same database while the server runs.
    let reviewer = json!({
        "login": "reviewer", "name": "审核员", "org": 2, "role": "reviewer",
        "password": "reviewer-password"
    });
    let (status, body) = admin.post("/api/v1/users", &reviewer, false);
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = admin.post("/api/v1/users", &reviewer, true);
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(
        db.list("user")
            .contains("reviewer\t审核员\t审核\t某市城管局\n"),
        "{}",
        db.list("user")
    );
    // The password read from standard input works too.
    login(&server, "filler", FILLER_PASSWORD);
}

/// What one importer saw: each 201's saved ids, and how many imports it started.
#[derive(Default)]
struct Imports {
    acknowledged: Vec<Vec<i64>>,
    started: usize,
    /// Answers other than 201 with 15 saved forms, before the kill.
    unexpected: Vec<String>,
}

/// Imports the seed in a loop until a request fails (the server is gone).
fn import_until_killed(session: Session, document: Arc<Vec<u8>>, seen: Arc<Mutex<Imports>>) {
    loop {
        seen.lock().unwrap().started += 1;
        match session.import(&document) {
            Ok((StatusCode::CREATED, body)) => {
                let saved: Vec<i64> = body["saved"]
                    .as_array()
                    .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
                    .unwrap_or_default();
                let mut seen = seen.lock().unwrap();
                if saved.len() != 15 {
                    seen.unexpected
                        .push(format!("201 with {} saved", saved.len()));
                }
                seen.acknowledged.push(saved);
            }
            Ok((status, body)) => {
                seen.lock()
                    .unwrap()
                    .unexpected
                    .push(format!("{status}: {body}"));
            }
            // Refused, reset or cut off: the server was killed.
            Err(_) => return,
        }
    }
}

#[test]
fn killing_the_server_during_imports_loses_no_acknowledged_form() {
    let db = Db::bootstrapped();
    let document = Arc::new(std::fs::read(seed_text()).unwrap());
    let seen = Arc::new(Mutex::new(Imports::default()));
    let seed: Value = serde_json::from_str(&std::fs::read_to_string(seed_json()).unwrap()).unwrap();
    let projects: Vec<&str> = seed
        .as_array()
        .unwrap()
        .iter()
        .map(|form| form["project"].as_str().unwrap())
        .collect();

    // Three rounds, killing at different points of an import: early (reading the document),
    // half-way, and late (saving its forms one by one). One importer at a time: two at once
    // currently get 500s from SQLITE_BUSY in `create_form` (a read-then-write transaction),
    // which is a different matter from surviving a kill.
    for (round, fraction) in [0.2, 0.5, 0.8].into_iter().enumerate() {
        let mut server = Server::start(&db);
        let filler = login(&server, "filler", FILLER_PASSWORD);
        let before = seen.lock().unwrap().acknowledged.len();
        let round_start = Instant::now();
        let importer = {
            let (filler, document, seen) = (filler.clone(), document.clone(), seen.clone());
            thread::spawn(move || import_until_killed(filler, document, seen))
        };
        // Let a few imports through, then kill while the next is in flight.
        let target = before + 3;
        while seen.lock().unwrap().acknowledged.len() < target {
            assert!(
                round_start.elapsed() < Duration::from_secs(10) && !importer.is_finished(),
                "round {round}: imports stalled: {:?}",
                seen.lock().unwrap().unexpected
            );
            thread::sleep(Duration::from_millis(2));
        }
        let per_import = round_start.elapsed() / 3;
        thread::sleep(per_import.mul_f64(fraction));
        server.kill();
        importer.join().unwrap();

        // Restarted on the same file: every acknowledged form is there, whole.
        let server = Server::start(&db);
        let filler = login(&server, "filler", FILLER_PASSWORD);
        let listed = filler.forms();
        let seen = seen.lock().unwrap();
        assert!(seen.unexpected.is_empty(), "{:?}", seen.unexpected);
        let ids: BTreeSet<i64> = listed.iter().map(|f| f["id"].as_i64().unwrap()).collect();
        assert_eq!(ids.len(), listed.len(), "no form listed twice");
        let acknowledged: Vec<i64> = seen.acknowledged.iter().flatten().copied().collect();
        assert!(listed.len() >= acknowledged.len());
        assert!(
            listed.len() <= seen.started * 15,
            "{} listed from {} imports",
            listed.len(),
            seen.started
        );
        for id in &acknowledged {
            assert!(
                ids.contains(id),
                "round {round}: acknowledged form {id} lost"
            );
        }
        // Each form, acknowledged or not, is all there or not at all: its record and its
        // version with the form and its report.
        let by_id = |id: i64| listed.iter().find(|f| f["id"] == id).unwrap();
        for form in &listed {
            let id = form["id"].as_i64().unwrap();
            let (status, body) = filler.get(&format!("/api/v1/forms/{id}"));
            assert_eq!(status, StatusCode::OK, "form {id}: {body}");
            assert_eq!(body["record"]["version"], 1);
            assert_eq!(body["form"]["project"], form["project"], "form {id}");
            assert!(
                body["report"]["rule"]["total"].is_number(),
                "form {id}: {body}"
            );
        }
        // An acknowledged import is the seed's 15 forms, in order.
        for saved in &seen.acknowledged {
            let names: Vec<&str> = saved
                .iter()
                .map(|id| by_id(*id)["project"].as_str().unwrap())
                .collect();
            assert_eq!(names, projects);
        }
        eprintln!(
            "round {round}: killed {:?} into an import; {} imports started, {} acknowledged \
             ({} forms), {} forms listed",
            per_import.mul_f64(fraction),
            seen.started,
            seen.acknowledged.len(),
            acknowledged.len(),
            listed.len()
        );
        integrity_ok(&db);
        // The next round kills this server too.
        drop(server);
    }
}

#[test]
fn backup_copies_a_live_database_and_never_overwrites() {
    let db = Db::bootstrapped();
    let out = db.file("backup.db");
    let out_path = out.to_str().unwrap();

    // Some forms, then a backup while the server runs.
    let server = Server::start(&db);
    let filler = login(&server, "filler", FILLER_PASSWORD);
    let (status, body) = filler.import(&std::fs::read(seed_text()).unwrap()).unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let original = filler.forms();
    assert_eq!(original.len(), 15);
    assert_eq!(
        ok(run(&["backup", "--db", &db.path, out_path])),
        format!("已备份到 {out_path}\n")
    );
    drop(server);

    // The copy has the same organisations, users and forms, and serves (its own directory is
    // only for the server's log).
    let copy = Db {
        dir: tempfile::tempdir().unwrap(),
        path: out_path.to_owned(),
    };
    assert_eq!(copy.list("org"), db.list("org"));
    assert_eq!(copy.list("user"), db.list("user"));
    let server = Server::start(&copy);
    let filler = login(&server, "filler", FILLER_PASSWORD);
    let ids = |forms: &[Value]| -> Vec<(i64, String)> {
        forms
            .iter()
            .map(|f| {
                (
                    f["id"].as_i64().unwrap(),
                    f["project"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(ids(&filler.forms()), ids(&original));
    drop(server);

    // Onto an existing file, whether a database or not: exit 2, the file untouched.
    let other = db.file("notes.txt");
    std::fs::write(&other, "不要覆盖我").unwrap();
    for target in [out.as_path(), other.as_path()] {
        let before = std::fs::read(target).unwrap();
        let refused = run(&["backup", "--db", &db.path, target.to_str().unwrap()]);
        assert_eq!(refused.status.code(), Some(2));
        let stderr = text(&refused.stderr);
        assert!(stderr.contains("文件已存在"), "{stderr}");
        assert!(stderr.contains(target.to_str().unwrap()), "{stderr}");
        assert_eq!(
            std::fs::read(target).unwrap(),
            before,
            "{}",
            target.display()
        );
    }
    assert!(Path::new(&db.path).exists());
}
