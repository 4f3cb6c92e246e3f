//! The SQLite store against a real database file.

use jixiao_core::workflow::{OrgKind, Role, State};
use jixiao_store::{FormFilter, NewUser, NewVersion, SqliteStore, Store, StoreError, Summary, now};

struct Fixture {
    _dir: tempfile::TempDir,
    path: String,
    store: SqliteStore,
    unit: i64,
    other_unit: i64,
    filler: i64,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jixiao.db").to_string_lossy().into_owned();
    let store = SqliteStore::open(&path).await.unwrap();
    let finance = store
        .create_org("财政局", OrgKind::Finance, None)
        .await
        .unwrap();
    let department = store
        .create_org("住建委", OrgKind::Department, Some(finance.id))
        .await
        .unwrap();
    let unit = store
        .create_org("执法局", OrgKind::Unit, Some(department.id))
        .await
        .unwrap();
    let other_unit = store
        .create_org("另一单位", OrgKind::Unit, Some(department.id))
        .await
        .unwrap();
    let filler = store
        .create_user(NewUser {
            login: "unit".into(),
            name: "填报人".into(),
            org: unit.id,
            role: Role::Filler,
            password_hash: "hash".into(),
        })
        .await
        .unwrap();
    Fixture {
        _dir: dir,
        path,
        store,
        unit: unit.id,
        other_unit: other_unit.id,
        filler: filler.id,
    }
}

fn version(author: i64, project: &str, total: &str, errors: i64) -> NewVersion {
    NewVersion {
        form_json: format!("{{\"project\":\"{project}\",\"total\":\"{total}\"}}"),
        report_json: "{}".into(),
        summary: Summary {
            year: 2024,
            project: project.into(),
            budget: Some("40.00".into()),
            executed: Some("40.00".into()),
            reported_total: Some(total.into()),
            reported_grade: "优".into(),
            rule_total: total.into(),
            rule_grade: if errors > 0 { "良" } else { "优" }.into(),
            errors,
            warnings: 0,
        },
        author,
        note: "导入".into(),
    }
}

#[tokio::test]
async fn the_organisation_tree_keeps_its_shape() {
    let f = fixture().await;
    let orgs = f.store.orgs().await.unwrap();
    assert_eq!(orgs.len(), 4);
    // A unit cannot hang under a unit, nor a department under nothing.
    assert!(matches!(
        f.store
            .create_org("子单位", OrgKind::Unit, Some(f.unit))
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        f.store.create_org("部门", OrgKind::Department, None).await,
        Err(StoreError::Invalid(_))
    ));
    // Names are unique under one parent.
    let department = orgs[1].id;
    assert!(matches!(
        f.store
            .create_org("执法局", OrgKind::Unit, Some(department))
            .await,
        Err(StoreError::Conflict(_))
    ));
}

#[tokio::test]
async fn users_have_roles_their_organisation_allows_and_unique_logins() {
    let f = fixture().await;
    let new = |login: &str, org: i64, role: Role| NewUser {
        login: login.into(),
        name: login.into(),
        org,
        role,
        password_hash: "h".into(),
    };
    assert!(matches!(
        f.store.create_user(new("boss", f.unit, Role::Admin)).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        f.store
            .create_user(new("unit", f.other_unit, Role::Filler))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let (user, hash) = f.store.user_for_login("unit").await.unwrap().unwrap();
    assert_eq!((user.id, hash.as_str()), (f.filler, "hash"));
    assert!(f.store.user_for_login("nobody").await.unwrap().is_none());
}

#[tokio::test]
async fn sessions_expire_and_end_with_a_new_password() {
    let f = fixture().await;
    let later = now() + 60_000;
    f.store
        .create_session("t1", f.filler, "csrf", later)
        .await
        .unwrap();
    let session = f.store.session("t1", now()).await.unwrap().unwrap();
    assert_eq!((session.user.id, session.csrf.as_str()), (f.filler, "csrf"));
    assert!(f.store.session("t1", later).await.unwrap().is_none());
    assert!(f.store.session("t2", now()).await.unwrap().is_none());
    f.store.set_password(f.filler, "new").await.unwrap();
    assert!(f.store.session("t1", now()).await.unwrap().is_none());
}

#[tokio::test]
async fn a_stale_save_changes_nothing() {
    let f = fixture().await;
    let form = f
        .store
        .create_form(f.unit, version(f.filler, "课题研究", "98.00", 0))
        .await
        .unwrap();
    assert_eq!((form.version, form.state), (1, State::Draft));
    let saved = f
        .store
        .save_version(form.id, 1, version(f.filler, "课题研究", "97.00", 1))
        .await
        .unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!(saved.summary.rule_total, "97.00");
    // A second editor who read version 1 is refused, and version 2 stays.
    let stale = f
        .store
        .save_version(form.id, 1, version(f.filler, "课题研究", "50.00", 0))
        .await;
    assert!(
        matches!(stale, Err(StoreError::Stale { version: 2, .. })),
        "{stale:?}"
    );
    let now = f.store.form(form.id).await.unwrap();
    assert_eq!((now.version, now.summary.rule_total.as_str()), (2, "97.00"));
    let versions = f.store.versions(form.id).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.number).collect::<Vec<_>>(),
        [1, 2]
    );
    let first = f.store.version(form.id, 1).await.unwrap();
    assert!(first.form_json.contains("98.00"));
    assert!(matches!(
        f.store.version(form.id, 3).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn a_move_happens_only_from_the_state_the_caller_saw() {
    let f = fixture().await;
    let form = f
        .store
        .create_form(f.unit, version(f.filler, "课题研究", "98.00", 0))
        .await
        .unwrap();
    let moved = f
        .store
        .move_form(
            form.id,
            State::Draft,
            State::Submitted,
            f.filler,
            "submit",
            None,
        )
        .await
        .unwrap();
    assert_eq!(moved.state, State::Submitted);
    let again = f
        .store
        .move_form(
            form.id,
            State::Draft,
            State::Submitted,
            f.filler,
            "submit",
            None,
        )
        .await;
    assert!(matches!(
        again,
        Err(StoreError::Stale {
            state: State::Submitted,
            ..
        })
    ));
    f.store
        .move_form(
            form.id,
            State::Submitted,
            State::Returned,
            f.filler,
            "return",
            Some("请补充偏差原因"),
        )
        .await
        .unwrap();
    let comments = f.store.comments(form.id).await.unwrap();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].body, "请补充偏差原因");
    let log = f.store.actions(Some(form.id), 10).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["return", "submit", "create"]);
}

#[tokio::test]
async fn lists_filter_and_page() {
    let f = fixture().await;
    for (index, errors) in [0, 1, 0, 2, 0].into_iter().enumerate() {
        let unit = if index == 4 { f.other_unit } else { f.unit };
        f.store
            .create_form(
                unit,
                version(f.filler, &format!("项目{index}"), "90.00", errors),
            )
            .await
            .unwrap();
    }
    let list = |filter: FormFilter| {
        let store = f.store.clone();
        async move { store.list_forms(&filter).await.unwrap() }
    };
    let all = list(FormFilter {
        limit: 2,
        ..Default::default()
    })
    .await;
    assert_eq!((all.total, all.forms.len()), (5, 2));
    let mine = list(FormFilter {
        units: Some(vec![f.unit]),
        limit: 50,
        ..Default::default()
    })
    .await;
    assert_eq!(mine.total, 4);
    let none = list(FormFilter {
        units: Some(vec![]),
        limit: 50,
        ..Default::default()
    })
    .await;
    assert_eq!(none.total, 0);
    let errors = list(FormFilter {
        has_errors: Some(true),
        limit: 50,
        ..Default::default()
    })
    .await;
    assert_eq!(errors.total, 2);
    let search = list(FormFilter {
        search: Some("项目3".into()),
        limit: 50,
        ..Default::default()
    })
    .await;
    assert_eq!(search.forms[0].summary.project, "项目3");
    let drafts = list(FormFilter {
        states: vec![State::Submitted],
        limit: 50,
        ..Default::default()
    })
    .await;
    assert_eq!(drafts.total, 0);
}

#[tokio::test]
async fn versions_and_the_log_cannot_be_rewritten() {
    let f = fixture().await;
    let form = f
        .store
        .create_form(f.unit, version(f.filler, "课题研究", "98.00", 0))
        .await
        .unwrap();
    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", f.path))
        .await
        .unwrap();
    for statement in [
        "UPDATE versions SET form_json = '{}'",
        "DELETE FROM versions",
        "UPDATE actions SET detail = ''",
        "DELETE FROM actions",
    ] {
        let result = sqlx::query(statement).execute(&pool).await;
        assert!(result.is_err(), "{statement}");
    }
    assert!(
        f.store
            .version(form.id, 1)
            .await
            .unwrap()
            .form_json
            .contains("98.00")
    );
}

#[tokio::test]
async fn a_backup_is_a_sound_copy_and_data_survives_a_reopen() {
    let f = fixture().await;
    f.store
        .create_form(f.unit, version(f.filler, "课题研究", "98.00", 0))
        .await
        .unwrap();
    let copy = format!("{}.bak", f.path);
    f.store.backup(&copy).await.unwrap();
    f.store.close().await;
    for path in [&f.path, &copy] {
        let store = SqliteStore::open(path).await.unwrap();
        store.check_integrity().await.unwrap();
        let page = store
            .list_forms(&FormFilter {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(page.total, 1, "{path}");
        assert_eq!(store.users().await.unwrap().len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_writers_wait_for_each_other_instead_of_failing() {
    // Each create reads (the unit's kind) before it writes: in a deferred transaction SQLite
    // refuses such a write at once when another connection wrote meanwhile.
    let f = fixture().await;
    let mut tasks = Vec::new();
    for index in 0..16 {
        let store = f.store.clone();
        let (unit, filler) = (f.unit, f.filler);
        tasks.push(tokio::spawn(async move {
            store
                .create_forms(
                    (0..5)
                        .map(|n| {
                            (
                                unit,
                                version(filler, &format!("项目{index}-{n}"), "90.00", 0),
                            )
                        })
                        .collect(),
                )
                .await
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().len(), 5);
    }
    let page = f
        .store
        .list_forms(&FormFilter {
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total, 80);
}

#[tokio::test]
async fn an_import_is_saved_whole_or_not_at_all() {
    let f = fixture().await;
    let department = f.store.orgs().await.unwrap()[1].id;
    let result = f
        .store
        .create_forms(vec![
            (f.unit, version(f.filler, "甲", "90.00", 0)),
            // A department cannot own a form: the whole batch is refused.
            (department, version(f.filler, "乙", "90.00", 0)),
        ])
        .await;
    assert!(matches!(result, Err(StoreError::Invalid(_))));
    let page = f
        .store
        .list_forms(&FormFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total, 0);
}
