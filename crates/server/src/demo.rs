//! `jixiao serve --demo`: a throw-away database holding the seed's 15 forms under a small
//! organisation tree, with one account per role (and one of another department, to show what
//! it cannot see).

use jixiao_core::model::Form;
use jixiao_core::workflow::{OrgKind, Role, State};
use jixiao_core::{Profile, json};
use jixiao_store::{NewUser, Store, StoreError};

use crate::auth;
use crate::service;

/// The seed forms (Shanghai, 2024).
pub const SEED_JSON: &str = include_str!("../../../examples/2024-shanghai-cgj-selfeval.json");

/// The password of every demo account.
pub const PASSWORD: &str = "jixiao-demo";

/// A demo account, as printed at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The login name.
    pub login: &'static str,
    /// Its role.
    pub role: Role,
    /// Its organisation's name.
    pub org: String,
}

/// Fills an empty store with the demo organisations, accounts and the seed forms. The first
/// three forms are handed in, so a reviewer has work waiting.
pub async fn seed<S: Store>(store: &S, profile: &Profile) -> Result<Vec<Account>, StoreError> {
    let forms: Vec<Form> = json::forms_from_str(SEED_JSON).unwrap_or_default();
    let department_name = forms
        .first()
        .map_or("上海市住房和城乡建设管理委员会", |form| {
            form.department.as_str()
        });
    let unit_name = forms.first().map_or("上海市城市管理行政执法局", |form| {
        form.implementing_unit.as_str()
    });

    let finance = store
        .create_org("上海市财政局", OrgKind::Finance, None)
        .await?;
    let department = store
        .create_org(department_name, OrgKind::Department, Some(finance.id))
        .await?;
    let unit = store
        .create_org(unit_name, OrgKind::Unit, Some(department.id))
        .await?;
    let other_department = store
        .create_org(
            "上海市绿化和市容管理局",
            OrgKind::Department,
            Some(finance.id),
        )
        .await?;
    let other_unit = store
        .create_org("上海市绿化指导站", OrgKind::Unit, Some(other_department.id))
        .await?;

    // One hash for all: argon2 is slow on purpose, and these accounts share the demo password.
    let hash = auth::hash_password(PASSWORD).map_err(|error| StoreError::Invalid(error.message))?;
    let people = [
        ("admin", "财政管理员", &finance, Role::Admin),
        ("reviewer", "部门审核员", &department, Role::Reviewer),
        ("filler", "单位填报员", &unit, Role::Filler),
        (
            "other-reviewer",
            "其他部门审核员",
            &other_department,
            Role::Reviewer,
        ),
        ("other-filler", "其他单位填报员", &other_unit, Role::Filler),
    ];
    let mut accounts = Vec::new();
    let mut filler = None;
    for (login, name, org, role) in people {
        let user = store
            .create_user(NewUser {
                login: login.to_owned(),
                name: name.to_owned(),
                org: org.id,
                role,
                password_hash: hash.clone(),
            })
            .await?;
        if login == "filler" {
            filler = Some(user.id);
        }
        accounts.push(Account {
            login,
            role,
            org: org.name.clone(),
        });
    }
    let filler = filler.unwrap_or_default();
    for (index, form) in forms.iter().enumerate() {
        let version = service::version_of(form, profile, filler, "演示数据导入".to_owned());
        let record = store.create_form(unit.id, version).await?;
        if index < 3 {
            store
                .move_form(
                    record.id,
                    State::Draft,
                    State::Submitted,
                    filler,
                    "submit",
                    None,
                )
                .await?;
        }
    }
    Ok(accounts)
}
