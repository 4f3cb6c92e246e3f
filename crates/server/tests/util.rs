//! A demo server per test (the seed's 15 forms, five accounts), and an HTTP client per user.

use jixiao_core::Profile;
use jixiao_server::{App, demo};
use jixiao_store::SqliteStore;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub const SEED_TEXT: &str = include_str!("../../../examples/2024-shanghai-cgj-selfeval.txt");

pub struct Server {
    pub base: String,
    _dir: tempfile::TempDir,
}

/// Starts a server on a fresh demo database.
pub async fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.db");
    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let profile = Profile::builtin("shanghai").unwrap();
    demo::seed(&store, &profile).await.unwrap();
    let listener = jixiao_server::bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = App::new(store, profile);
    tokio::spawn(jixiao_server::serve(app, listener, std::future::pending()));
    Server { base, _dir: dir }
}

/// A user's HTTP client: keeps the session cookie and sends the CSRF token on writes.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

impl Client {
    /// A client with no session.
    pub fn anonymous(server: &Server) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
            base: server.base.clone(),
            csrf: None,
            bearer: None,
        }
    }

    /// A client logged in as a demo account.
    pub async fn login(server: &Server, login: &str) -> Client {
        let mut client = Client::anonymous(server);
        let (status, body) = client
            .post(
                "/api/v1/login",
                json!({"login": login, "password": demo::PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{login}: {body}");
        client.csrf = body["csrf"].as_str().map(str::to_owned);
        client
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(csrf) = &self.csrf {
            request = request.header("X-CSRF-Token", csrf);
        }
        if let Some(token) = &self.bearer {
            request = request.bearer_auth(token);
        }
        request
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::POST, path).json(&body))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::PUT, path).json(&body))
            .await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::DELETE, path)).await
    }

    pub async fn post_bytes(&self, path: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::POST, path).body(bytes))
            .await
    }
}

/// The ids of the forms a client can list.
pub async fn form_ids(client: &Client) -> Vec<i64> {
    let (status, body) = client.get("/api/v1/forms?per_page=500").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["forms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|form| form["id"].as_i64().unwrap())
        .collect()
}

/// The first seed form as canonical JSON.
pub fn seed_form() -> Value {
    let forms: Value = serde_json::from_str(demo::SEED_JSON).unwrap();
    forms[0].clone()
}

/// A new draft made by the demo filler; its id.
pub async fn new_draft(filler: &Client) -> i64 {
    let (status, body) = filler.post("/api/v1/forms", seed_form()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}
