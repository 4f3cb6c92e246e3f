//! The authorisation matrix: for a form of the demo unit in each state, what every role of its
//! own and of another organisation gets from every form endpoint. Expectations are written out
//! by hand here, not computed by the policy under test.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::util::{Client, Server, form_ids, new_draft, seed_form, server};

/// The callers, in the order of the expectation rows.
const USERS: [&str; 6] = [
    "admin",
    "reviewer",
    "filler",
    "other-reviewer",
    "other-filler",
    "anonymous",
];

#[derive(Debug, Clone, Copy)]
enum Op {
    Read(&'static str),
    Edit,
    Comment,
    Move(&'static str),
}

impl Op {
    /// Whether a success changes the form (so each caller needs a fresh one).
    fn writes(self) -> bool {
        !matches!(self, Op::Read(_))
    }
}

const OK: u16 = 200;
const CREATED: u16 = 201;
const UNAUTH: u16 = 401;
const FORBID: u16 = 403;
const HIDDEN: u16 = 404;
const STATE: u16 = 409;

const READS: [Op; 6] = [
    Op::Read(""),
    Op::Read("/versions"),
    Op::Read("/versions/1"),
    Op::Read("/comments"),
    Op::Read("/log"),
    Op::Read("/export/json"),
];

/// (state, operation, expected status per caller in `USERS` order).
fn expectations() -> Vec<(&'static str, Op, [u16; 6])> {
    let mut rows = Vec::new();
    for state in ["draft", "submitted", "approved"] {
        for op in READS {
            rows.push((state, op, [OK, OK, OK, HIDDEN, HIDDEN, UNAUTH]));
        }
        rows.push((
            state,
            Op::Comment,
            [CREATED, CREATED, CREATED, HIDDEN, HIDDEN, UNAUTH],
        ));
    }
    for op in READS {
        // Published: every account may read it.
        rows.push(("published", op, [OK, OK, OK, OK, OK, UNAUTH]));
    }
    let own = |admin, reviewer, filler| [admin, reviewer, filler, HIDDEN, HIDDEN, UNAUTH];
    rows.extend([
        ("draft", Op::Edit, own(FORBID, FORBID, OK)),
        ("draft", Op::Move("submit"), own(FORBID, FORBID, OK)),
        ("draft", Op::Move("return"), own(STATE, STATE, STATE)),
        ("draft", Op::Move("approve"), own(STATE, STATE, STATE)),
        ("draft", Op::Move("publish"), own(STATE, STATE, STATE)),
        ("submitted", Op::Edit, own(FORBID, FORBID, FORBID)),
        ("submitted", Op::Move("submit"), own(STATE, STATE, STATE)),
        ("submitted", Op::Move("return"), own(OK, OK, FORBID)),
        ("submitted", Op::Move("approve"), own(OK, OK, FORBID)),
        ("submitted", Op::Move("publish"), own(STATE, STATE, STATE)),
        ("approved", Op::Edit, own(FORBID, FORBID, FORBID)),
        ("approved", Op::Move("submit"), own(STATE, STATE, STATE)),
        ("approved", Op::Move("return"), own(OK, FORBID, FORBID)),
        ("approved", Op::Move("approve"), own(STATE, STATE, STATE)),
        ("approved", Op::Move("publish"), own(OK, FORBID, FORBID)),
        (
            "published",
            Op::Edit,
            [FORBID, FORBID, FORBID, FORBID, FORBID, UNAUTH],
        ),
        (
            "published",
            Op::Comment,
            [FORBID, FORBID, FORBID, FORBID, FORBID, UNAUTH],
        ),
    ]);
    for transition in ["submit", "return", "approve", "publish"] {
        rows.push((
            "published",
            Op::Move(transition),
            [STATE, STATE, STATE, STATE, STATE, UNAUTH],
        ));
    }
    rows
}

struct Callers {
    clients: Vec<Client>,
}

impl Callers {
    async fn new(server: &Server) -> Callers {
        let mut clients = Vec::new();
        for user in USERS {
            clients.push(if user == "anonymous" {
                Client::anonymous(server)
            } else {
                Client::login(server, user).await
            });
        }
        Callers { clients }
    }

    fn get(&self, user: &str) -> &Client {
        &self.clients[USERS.iter().position(|u| *u == user).unwrap()]
    }

    /// A new form of the demo unit, moved to `state` by the people whose job it is.
    async fn form_in(&self, state: &str) -> i64 {
        let id = new_draft(self.get("filler")).await;
        let steps: &[(&str, &str)] = match state {
            "draft" => &[],
            "submitted" => &[("filler", "submit")],
            "approved" => &[("filler", "submit"), ("reviewer", "approve")],
            "published" => &[
                ("filler", "submit"),
                ("reviewer", "approve"),
                ("admin", "publish"),
            ],
            other => panic!("{other}"),
        };
        for (user, transition) in steps {
            let (status, body) = self
                .get(user)
                .post(
                    &format!("/api/v1/forms/{id}/transitions"),
                    json!({"transition": transition}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{user} {transition}: {body}");
        }
        id
    }
}

async fn perform(client: &Client, op: Op, id: i64) -> (StatusCode, Value) {
    let base = format!("/api/v1/forms/{id}");
    match op {
        Op::Read(suffix) => client.get(&format!("{base}{suffix}")).await,
        Op::Edit => {
            client
                .put(&base, json!({"version": 1, "form": seed_form()}))
                .await
        }
        Op::Comment => {
            client
                .post(&format!("{base}/comments"), json!({"body": "请核对"}))
                .await
        }
        Op::Move(transition) => {
            client
                .post(
                    &format!("{base}/transitions"),
                    json!({"transition": transition, "comment": "请补充说明"}),
                )
                .await
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_role_gets_exactly_what_it_may_on_every_form_endpoint() {
    let server = server().await;
    let callers = Callers::new(&server).await;
    let mut failures = Vec::new();
    let mut shared = std::collections::HashMap::new();
    for (state, op, expected) in expectations() {
        for (user, want) in USERS.iter().zip(expected) {
            let id = if op.writes() {
                callers.form_in(state).await
            } else {
                match shared.get(state) {
                    Some(id) => *id,
                    None => {
                        let id = callers.form_in(state).await;
                        shared.insert(state, id);
                        id
                    }
                }
            };
            let (status, body) = perform(callers.get(user), op, id).await;
            if status.as_u16() != want {
                failures.push(format!(
                    "{state} {op:?} as {user}: got {status}, want {want}: {body}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_show_only_the_forms_a_role_may_see() {
    let server = server().await;
    let callers = Callers::new(&server).await;
    for (user, count) in [
        ("admin", 15),
        ("reviewer", 15),
        ("filler", 15),
        ("other-reviewer", 0),
        ("other-filler", 0),
    ] {
        assert_eq!(form_ids(callers.get(user)).await.len(), count, "{user}");
    }
    let (status, _) = callers.get("anonymous").get("/api/v1/forms").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Asking for another organisation's forms by filter gives nothing either.
    let (_, me) = callers.get("filler").get("/api/v1/me").await;
    let unit = me["user"]["org"].as_i64().unwrap();
    let (_, body) = callers
        .get("other-filler")
        .get(&format!("/api/v1/forms?org={unit}"))
        .await;
    assert_eq!(body["total"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_finance_bureau_manages_organisations_and_users() {
    let server = server().await;
    let callers = Callers::new(&server).await;
    let (_, orgs) = callers.get("admin").get("/api/v1/orgs").await;
    let finance = orgs["orgs"][0]["id"].as_i64().unwrap();
    for (index, user) in USERS.iter().enumerate() {
        let client = callers.get(user);
        let (list, _) = client.get("/api/v1/users").await;
        let (add_org, _) = client
            .post(
                "/api/v1/orgs",
                json!({"name": format!("新部门{index}"), "kind": "department", "parent": finance}),
            )
            .await;
        let (add_user, _) = client
            .post(
                "/api/v1/users",
                json!({"login": format!("new{index}"), "name": "新用户", "org": finance,
                       "role": "reviewer", "password": "long-enough"}),
            )
            .await;
        let want = match *user {
            "admin" => [200, 201, 201],
            "anonymous" => [401, 401, 401],
            _ => [403, 403, 403],
        };
        assert_eq!(
            [list.as_u16(), add_org.as_u16(), add_user.as_u16()],
            want,
            "{user}"
        );
    }
}
