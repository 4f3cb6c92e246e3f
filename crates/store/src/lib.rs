//! jixiao-store: the system of record behind the server.
//!
//! Organisations, users, sessions and API tokens, forms with every saved version, comments and
//! an append-only action log. The store keeps what it is given and enforces what a database
//! must: a save against a stale version changes nothing (optimistic locking), a state change
//! happens only from the state the caller saw, versions and the log are never rewritten, and
//! every write is one transaction. Who may do what is decided before, by
//! [`jixiao_core::workflow`]; scoring is done before, by the core.
//!
//! [`Store`] is the interface the server is written against; [`SqliteStore`] implements it on
//! an embedded SQLite file (WAL). A PostgreSQL store implements the same trait.

use std::future::Future;

use jixiao_core::workflow::{OrgKind, Role, State};

mod sqlite;

pub use jixiao_core::workflow::OrgId;
pub use sqlite::SqliteStore;

/// A user id.
pub type UserId = i64;
/// A form id.
pub type FormId = i64;
/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// Something the store could not do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist.
    #[error("not found")]
    NotFound,
    /// The form was saved or moved by someone else since the caller read it.
    #[error("stale: the form is now at version {version}, state {state:?}")]
    Stale {
        /// The form's version now.
        version: i64,
        /// The form's state now.
        state: State,
    },
    /// A unique name is taken (a login, an organisation's name under its parent).
    #[error("already exists: {0}")]
    Conflict(String),
    /// The request breaks the model (a unit under a unit, a role its organisation cannot have).
    #[error("invalid: {0}")]
    Invalid(String),
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A result of the store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    /// Its id.
    pub id: OrgId,
    /// Its name, unique under its parent.
    pub name: String,
    /// Finance bureau, department or unit.
    pub kind: OrgKind,
    /// The organisation above it (`None` for the finance bureau).
    pub parent: Option<OrgId>,
}

/// A user account (the password hash stays inside the store but for logging in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// The login name.
    pub login: String,
    /// The name shown.
    pub name: String,
    /// The organisation the user acts for.
    pub org: OrgId,
    /// What the user does there.
    pub role: Role,
}

/// A new user.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// The login name (unique).
    pub login: String,
    /// The name shown.
    pub name: String,
    /// The organisation.
    pub org: OrgId,
    /// The role, which the organisation's kind must allow.
    pub role: Role,
    /// The password's argon2id hash (PHC string).
    pub password_hash: String,
}

/// A logged-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The user.
    pub user: User,
    /// The CSRF token that writes made with this session's cookie must carry.
    pub csrf: String,
    /// When it ends.
    pub expires_at: Millis,
}

/// An API token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Its id.
    pub id: i64,
    /// Whose it is.
    pub user: UserId,
    /// What its owner called it.
    pub name: String,
    /// When it was made.
    pub created_at: Millis,
}

/// What lists and roll-ups show of a form's latest version, computed by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// The form's year.
    pub year: i32,
    /// 项目名称.
    pub project: String,
    /// 全年预算数 of the total row, as printed.
    pub budget: Option<String>,
    /// 全年执行数 of the total row, as printed.
    pub executed: Option<String>,
    /// The total the form reports.
    pub reported_total: Option<String>,
    /// The grade the form reports.
    pub reported_grade: String,
    /// The total under the rules.
    pub rule_total: String,
    /// The grade under the rules.
    pub rule_grade: String,
    /// Findings of severity error.
    pub errors: i64,
    /// Findings of severity warning.
    pub warnings: i64,
}

/// A form's record: its owner, state, version, and the summary of its latest version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormRecord {
    /// Its id.
    pub id: FormId,
    /// The unit that owns it.
    pub unit: OrgId,
    /// Where it is in the review.
    pub state: State,
    /// The number of its latest version (1 for a new form).
    pub version: i64,
    /// The latest version's summary.
    pub summary: Summary,
    /// When it was created.
    pub created_at: Millis,
    /// When it last changed (saved or moved).
    pub updated_at: Millis,
}

/// A version to save.
#[derive(Debug, Clone)]
pub struct NewVersion {
    /// The canonical form JSON.
    pub form_json: String,
    /// The audit report JSON of this version (findings and rule values).
    pub report_json: String,
    /// Its summary.
    pub summary: Summary,
    /// Who saves it.
    pub author: UserId,
    /// What changed, in a line (e.g. "导入 seed.txt", "修改 3 处").
    pub note: String,
}

/// A saved version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The form.
    pub form: FormId,
    /// Its number, from 1.
    pub number: i64,
    /// The canonical form JSON.
    pub form_json: String,
    /// The audit report JSON.
    pub report_json: String,
    /// Who saved it.
    pub author: UserId,
    /// What changed.
    pub note: String,
    /// When.
    pub created_at: Millis,
}

/// A comment on a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Its id.
    pub id: i64,
    /// The form.
    pub form: FormId,
    /// The version it was made on.
    pub version: i64,
    /// Who wrote it.
    pub author: UserId,
    /// What it says.
    pub body: String,
    /// When.
    pub created_at: Millis,
}

/// An entry of the action log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// Its id (the log's order).
    pub id: i64,
    /// When.
    pub at: Millis,
    /// Who (`None` for the system).
    pub user: Option<UserId>,
    /// Which form, if any.
    pub form: Option<FormId>,
    /// What, as a stable word (`create`, `save`, `submit`, `login` …).
    pub action: String,
    /// Details for people.
    pub detail: String,
}

/// Which forms a list shows. `units` is the caller's visibility, decided by the server.
#[derive(Debug, Clone, Default)]
pub struct FormFilter {
    /// Only forms of these units (`None`: all).
    pub units: Option<Vec<OrgId>>,
    /// Only this year.
    pub year: Option<i32>,
    /// Only these states (empty: all).
    pub states: Vec<State>,
    /// Only this rule grade (`优`, `良`, `中`, `差`).
    pub rule_grade: Option<String>,
    /// Only forms with (`true`) or without (`false`) errors.
    pub has_errors: Option<bool>,
    /// Only projects whose name contains this.
    pub search: Option<String>,
    /// Rows to skip.
    pub offset: i64,
    /// Rows to return at most (capped at 500).
    pub limit: i64,
}

/// A page of forms and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPage {
    /// The forms of the page, newest change first.
    pub forms: Vec<FormRecord>,
    /// How many forms match the filter.
    pub total: i64,
}

/// The interface the server is written against.
///
/// Every method is one transaction. Methods that change a form take the version or state the
/// caller saw and fail with [`StoreError::Stale`] when it moved on, changing nothing.
pub trait Store: Send + Sync + 'static {
    /// Adds an organisation under `parent` (which must have the kind above `kind`).
    fn create_org(
        &self,
        name: &str,
        kind: OrgKind,
        parent: Option<OrgId>,
    ) -> impl Future<Output = Result<Org>> + Send;
    /// Every organisation, parents before children.
    fn orgs(&self) -> impl Future<Output = Result<Vec<Org>>> + Send;

    /// Adds a user.
    fn create_user(&self, user: NewUser) -> impl Future<Output = Result<User>> + Send;
    /// Every user, by login.
    fn users(&self) -> impl Future<Output = Result<Vec<User>>> + Send;
    /// A user by id.
    fn user(&self, id: UserId) -> impl Future<Output = Result<User>> + Send;
    /// A user and their password hash, by login, for logging in.
    fn user_for_login(
        &self,
        login: &str,
    ) -> impl Future<Output = Result<Option<(User, String)>>> + Send;
    /// Sets a user's password hash.
    fn set_password(&self, id: UserId, hash: &str) -> impl Future<Output = Result<()>> + Send;

    /// Opens a session.
    fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf: &str,
        expires_at: Millis,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The session of a token hash, if it exists and has not expired at `now`.
    fn session(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> impl Future<Output = Result<Option<Session>>> + Send;
    /// Ends a session.
    fn delete_session(&self, token_hash: &str) -> impl Future<Output = Result<()>> + Send;

    /// Stores an API token's hash.
    fn create_token(
        &self,
        user: UserId,
        name: &str,
        token_hash: &str,
    ) -> impl Future<Output = Result<ApiToken>> + Send;
    /// The user of an API token hash.
    fn token_user(&self, token_hash: &str) -> impl Future<Output = Result<Option<User>>> + Send;
    /// A user's API tokens.
    fn tokens(&self, user: UserId) -> impl Future<Output = Result<Vec<ApiToken>>> + Send;
    /// Revokes one of a user's API tokens.
    fn delete_token(&self, user: UserId, id: i64) -> impl Future<Output = Result<()>> + Send;

    /// Creates a form owned by `unit` as a draft, with `version` as version 1.
    fn create_form(
        &self,
        unit: OrgId,
        version: NewVersion,
    ) -> impl Future<Output = Result<FormRecord>> + Send;
    /// Creates several forms in one transaction: all are saved, or none (an import).
    fn create_forms(
        &self,
        forms: Vec<(OrgId, NewVersion)>,
    ) -> impl Future<Output = Result<Vec<FormRecord>>> + Send;
    /// A form's record.
    fn form(&self, id: FormId) -> impl Future<Output = Result<FormRecord>> + Send;
    /// The forms a filter selects, a page at a time.
    fn list_forms(&self, filter: &FormFilter) -> impl Future<Output = Result<FormPage>> + Send;
    /// Saves a new version of a form at version `expected`.
    fn save_version(
        &self,
        id: FormId,
        expected: i64,
        version: NewVersion,
    ) -> impl Future<Output = Result<FormRecord>> + Send;
    /// One version of a form.
    fn version(&self, id: FormId, number: i64) -> impl Future<Output = Result<Version>> + Send;
    /// Every version of a form, oldest first, without their JSON.
    fn versions(&self, id: FormId) -> impl Future<Output = Result<Vec<Version>>> + Send;
    /// Moves a form from state `from` to `to`, with an optional comment, as one write.
    fn move_form(
        &self,
        id: FormId,
        from: State,
        to: State,
        by: UserId,
        action: &str,
        comment: Option<&str>,
    ) -> impl Future<Output = Result<FormRecord>> + Send;

    /// Adds a comment on a form's current version.
    fn add_comment(
        &self,
        id: FormId,
        author: UserId,
        body: &str,
    ) -> impl Future<Output = Result<Comment>> + Send;
    /// A form's comments, oldest first.
    fn comments(&self, id: FormId) -> impl Future<Output = Result<Vec<Comment>>> + Send;

    /// Appends to the action log.
    fn log(
        &self,
        user: Option<UserId>,
        form: Option<FormId>,
        action: &str,
        detail: &str,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The log of one form (or of everything), newest first, at most `limit` entries.
    fn actions(
        &self,
        form: Option<FormId>,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<Action>>> + Send;

    /// Writes a consistent copy of the whole database to `path` while it is in use.
    fn backup(&self, path: &str) -> impl Future<Output = Result<()>> + Send;
}

/// The current time in [`Millis`].
pub fn now() -> Millis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}
