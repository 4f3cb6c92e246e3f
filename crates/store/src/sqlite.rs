//! The embedded store: one SQLite file in WAL mode, migrated on open.
//!
//! Every write transaction starts with `BEGIN IMMEDIATE`: it takes SQLite's write lock at once,
//! so a concurrent writer waits for it (busy timeout) instead of failing when a transaction that
//! began by reading tries to write. Writes that depend on what the caller saw (a version, a
//! state) are conditional `UPDATE`s that change nothing when it moved on.

use std::str::FromStr;
use std::time::Duration;

use jixiao_core::workflow::{OrgId, OrgKind, Role, State};
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::{
    Action, ApiToken, Comment, FormFilter, FormId, FormPage, FormRecord, Millis, NewUser,
    NewVersion, Org, Result, Session, Store, StoreError, Summary, User, UserId, Version, now,
};

/// The embedded SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Write transactions of this process queue here, in order, instead of polling SQLite's
    /// lock (its busy handler sleeps up to 100 ms between tries, which made concurrent saves'
    /// tail latency hundreds of milliseconds).
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl SqliteStore {
    /// Opens (creating if needed) and migrates the database at `url`: `sqlite:PATH`,
    /// `sqlite::memory:`, or a plain file path.
    pub async fn open(url: &str) -> Result<SqliteStore> {
        let memory = url.contains(":memory:");
        let options = if url.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(url)?
        } else {
            SqliteConnectOptions::new().filename(url)
        }
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // With WAL, NORMAL loses no committed transaction on a process crash (only on power loss
        // before a checkpoint), and makes commits much cheaper.
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            // An in-memory database exists once per connection: keep one.
            .max_connections(if memory { 1 } else { 8 })
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(SqliteStore {
            pool,
            writer: std::sync::Arc::default(),
        })
    }

    /// A write transaction, holding the write lock from its first statement, and this
    /// process's turn to write (keep the guard until the transaction ends).
    async fn write(
        &self,
    ) -> Result<(
        tokio::sync::OwnedMutexGuard<()>,
        sqlx::Transaction<'static, Sqlite>,
    )> {
        let turn = self.writer.clone().lock_owned().await;
        let transaction = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok((turn, transaction))
    }

    /// Opens an existing database only (for commands that read one: a mistyped path is an
    /// error, not a new empty database).
    pub async fn open_existing(path: &str) -> Result<SqliteStore> {
        let file = path.strip_prefix("sqlite:").unwrap_or(path);
        let file = file.strip_prefix("//").unwrap_or(file);
        if !std::path::Path::new(file).exists() {
            return Err(StoreError::NotFound);
        }
        SqliteStore::open(path).await
    }

    /// Closes the pool, waiting for the connections to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Runs SQLite's integrity check; `Ok(())` when the database is sound.
    pub async fn check_integrity(&self) -> Result<()> {
        let result: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&self.pool)
            .await?;
        if result == "ok" {
            Ok(())
        } else {
            Err(StoreError::Invalid(result))
        }
    }
}

const FORM_COLUMNS: &str = "id, unit, state, version, year, project, budget, executed, \
     reported_total, reported_grade, rule_total, rule_grade, errors, warnings, created_at, \
     updated_at";

fn unique(error: sqlx::Error, what: impl FnOnce() -> String) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what()),
        _ => StoreError::Database(error),
    }
}

fn org_from(row: &SqliteRow) -> Result<Org> {
    let kind: String = row.try_get("kind")?;
    Ok(Org {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: OrgKind::parse(&kind).ok_or_else(|| StoreError::Invalid(kind.clone()))?,
        parent: row.try_get("parent")?,
    })
}

fn user_from(row: &SqliteRow) -> Result<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        login: row.try_get("login")?,
        name: row.try_get("name")?,
        org: row.try_get("org")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Invalid(role.clone()))?,
    })
}

fn state_from(text: &str) -> Result<State> {
    State::parse(text).ok_or_else(|| StoreError::Invalid(text.to_owned()))
}

fn form_from(row: &SqliteRow) -> Result<FormRecord> {
    let state: String = row.try_get("state")?;
    Ok(FormRecord {
        id: row.try_get("id")?,
        unit: row.try_get("unit")?,
        state: state_from(&state)?,
        version: row.try_get("version")?,
        summary: Summary {
            year: row.try_get("year")?,
            project: row.try_get("project")?,
            budget: row.try_get("budget")?,
            executed: row.try_get("executed")?,
            reported_total: row.try_get("reported_total")?,
            reported_grade: row.try_get("reported_grade")?,
            rule_total: row.try_get("rule_total")?,
            rule_grade: row.try_get("rule_grade")?,
            errors: row.try_get("errors")?,
            warnings: row.try_get("warnings")?,
        },
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn version_from(row: &SqliteRow, with_json: bool) -> Result<Version> {
    Ok(Version {
        form: row.try_get("form_id")?,
        number: row.try_get("number")?,
        form_json: if with_json {
            row.try_get("form_json")?
        } else {
            String::new()
        },
        report_json: if with_json {
            row.try_get("report_json")?
        } else {
            String::new()
        },
        author: row.try_get("author")?,
        note: row.try_get("note")?,
        created_at: row.try_get("created_at")?,
    })
}

fn comment_from(row: &SqliteRow) -> Result<Comment> {
    Ok(Comment {
        id: row.try_get("id")?,
        form: row.try_get("form_id")?,
        version: row.try_get("version")?,
        author: row.try_get("author")?,
        body: row.try_get("body")?,
        created_at: row.try_get("created_at")?,
    })
}

async fn insert_version(
    tx: &mut sqlx::SqliteConnection,
    form: FormId,
    number: i64,
    version: &NewVersion,
    at: Millis,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO versions (form_id, number, form_json, report_json, author, note, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(form)
    .bind(number)
    .bind(&version.form_json)
    .bind(&version.report_json)
    .bind(version.author)
    .bind(&version.note)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn insert_action(
    tx: &mut sqlx::SqliteConnection,
    user: Option<UserId>,
    form: Option<FormId>,
    action: &str,
    detail: &str,
    at: Millis,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO actions (at, user_id, form_id, action, detail) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(at)
    .bind(user)
    .bind(form)
    .bind(action)
    .bind(detail)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn form_in(tx: &mut sqlx::SqliteConnection, id: FormId) -> Result<FormRecord> {
    let row = sqlx::query(&format!("SELECT {FORM_COLUMNS} FROM forms WHERE id = ?"))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    form_from(&row)
}

/// The kind of an organisation, `None` when there is no such organisation.
async fn org_kind(tx: &mut sqlx::SqliteConnection, id: OrgId) -> Result<Option<OrgKind>> {
    let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM orgs WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(kind.as_deref().and_then(OrgKind::parse))
}

/// Binds a form's summary columns (year … warnings), in the order the INSERT and the UPDATE of
/// `forms` name them.
fn bind_summary<'q>(
    query: sqlx::query::Query<'q, Sqlite, SqliteArguments<'q>>,
    summary: &'q Summary,
) -> sqlx::query::Query<'q, Sqlite, SqliteArguments<'q>> {
    query
        .bind(summary.year)
        .bind(&summary.project)
        .bind(&summary.budget)
        .bind(&summary.executed)
        .bind(&summary.reported_total)
        .bind(&summary.reported_grade)
        .bind(&summary.rule_total)
        .bind(&summary.rule_grade)
        .bind(summary.errors)
        .bind(summary.warnings)
}

async fn insert_form(
    tx: &mut sqlx::SqliteConnection,
    unit: OrgId,
    version: &NewVersion,
    at: Millis,
) -> Result<FormRecord> {
    let summary = &version.summary;
    if org_kind(tx, unit).await? != Some(OrgKind::Unit) {
        return Err(StoreError::Invalid("表单须属于一个实施单位".to_owned()));
    }
    let insert = sqlx::query(
        "INSERT INTO forms (unit, state, version, year, project, budget, executed, \
         reported_total, reported_grade, rule_total, rule_grade, errors, warnings, \
         created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(unit)
    .bind(State::Draft.as_str());
    let id = bind_summary(insert, summary)
        .bind(at)
        .bind(at)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
    insert_version(tx, id, 1, version, at).await?;
    insert_action(
        tx,
        Some(version.author),
        Some(id),
        "create",
        &version.note,
        at,
    )
    .await?;
    form_in(tx, id).await
}

impl Store for SqliteStore {
    async fn create_org(&self, name: &str, kind: OrgKind, parent: Option<OrgId>) -> Result<Org> {
        let (_turn, mut tx) = self.write().await?;
        let parent_kind = match parent {
            Some(parent) => Some(
                org_kind(&mut tx, parent)
                    .await?
                    .ok_or(StoreError::NotFound)?,
            ),
            None => None,
        };
        if parent_kind != kind.parent() {
            return Err(StoreError::Invalid(format!(
                "{}的上级应为{}",
                kind.label(),
                kind.parent().map_or("无", OrgKind::label)
            )));
        }
        let id = sqlx::query("INSERT INTO orgs (name, kind, parent) VALUES (?, ?, ?)")
            .bind(name)
            .bind(kind.as_str())
            .bind(parent)
            .execute(&mut *tx)
            .await
            .map_err(|error| unique(error, || name.to_owned()))?
            .last_insert_rowid();
        insert_action(&mut tx, None, None, "org", name, now()).await?;
        tx.commit().await?;
        Ok(Org {
            id,
            name: name.to_owned(),
            kind,
            parent,
        })
    }

    async fn orgs(&self) -> Result<Vec<Org>> {
        // Ids grow, and a parent exists before its children.
        sqlx::query("SELECT id, name, kind, parent FROM orgs ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(org_from)
            .collect()
    }

    async fn create_user(&self, user: NewUser) -> Result<User> {
        let (_turn, mut tx) = self.write().await?;
        let kind = org_kind(&mut tx, user.org)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !kind.allows(user.role) {
            return Err(StoreError::Invalid(format!(
                "{}的用户不能担任{}角色",
                kind.label(),
                user.role.label()
            )));
        }
        let at = now();
        let id = sqlx::query(
            "INSERT INTO users (login, name, org, role, password_hash, created_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&user.login)
        .bind(&user.name)
        .bind(user.org)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|error| unique(error, || user.login.clone()))?
        .last_insert_rowid();
        insert_action(&mut tx, None, None, "user", &user.login, at).await?;
        tx.commit().await?;
        Ok(User {
            id,
            login: user.login,
            name: user.name,
            org: user.org,
            role: user.role,
        })
    }

    async fn users(&self) -> Result<Vec<User>> {
        sqlx::query("SELECT id, login, name, org, role FROM users ORDER BY login")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(user_from)
            .collect()
    }

    async fn user(&self, id: UserId) -> Result<User> {
        let row = sqlx::query("SELECT id, login, name, org, role FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        user_from(&row)
    }

    async fn user_for_login(&self, login: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(
            "SELECT id, login, name, org, role, password_hash FROM users WHERE login = ?",
        )
        .bind(login)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok((user_from(&row)?, row.try_get("password_hash")?)))
            .transpose()
    }

    async fn set_password(&self, id: UserId, hash: &str) -> Result<()> {
        let (_turn, mut tx) = self.write().await?;
        let updated = sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(hash)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        // A new password ends every open session.
        sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_action(&mut tx, Some(id), None, "password", "", now()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf: &str,
        expires_at: Millis,
    ) -> Result<()> {
        let at = now();
        let (_turn, mut tx) = self.write().await?;
        // Expired sessions go when new ones come.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
            .bind(at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(user)
        .bind(csrf)
        .bind(at)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        insert_action(&mut tx, Some(user), None, "login", "", at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: Millis) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT u.id, u.login, u.name, u.org, u.role, s.csrf, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = ? AND s.expires_at > ?",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(Session {
                user: user_from(&row)?,
                csrf: row.try_get("csrf")?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_token(&self, user: UserId, name: &str, token_hash: &str) -> Result<ApiToken> {
        let at = now();
        let (_turn, mut tx) = self.write().await?;
        let id = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(user)
        .bind(name)
        .bind(token_hash)
        .bind(at)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        insert_action(&mut tx, Some(user), None, "token", name, at).await?;
        tx.commit().await?;
        Ok(ApiToken {
            id,
            user,
            name: name.to_owned(),
            created_at: at,
        })
    }

    async fn token_user(&self, token_hash: &str) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT u.id, u.login, u.name, u.org, u.role \
             FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from).transpose()
    }

    async fn tokens(&self, user: UserId) -> Result<Vec<ApiToken>> {
        sqlx::query(
            "SELECT id, user_id, name, created_at FROM api_tokens WHERE user_id = ? ORDER BY id",
        )
        .bind(user)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| {
            Ok(ApiToken {
                id: row.try_get("id")?,
                user: row.try_get("user_id")?,
                name: row.try_get("name")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
    }

    async fn delete_token(&self, user: UserId, id: i64) -> Result<()> {
        let deleted = sqlx::query("DELETE FROM api_tokens WHERE id = ? AND user_id = ?")
            .bind(id)
            .bind(user)
            .execute(&self.pool)
            .await?
            .rows_affected();
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn create_form(&self, unit: OrgId, version: NewVersion) -> Result<FormRecord> {
        let mut records = self.create_forms(vec![(unit, version)]).await?;
        records.pop().ok_or(StoreError::NotFound)
    }

    async fn create_forms(&self, forms: Vec<(OrgId, NewVersion)>) -> Result<Vec<FormRecord>> {
        let at = now();
        let (_turn, mut tx) = self.write().await?;
        let mut records = Vec::with_capacity(forms.len());
        for (unit, version) in &forms {
            records.push(insert_form(&mut tx, *unit, version, at).await?);
        }
        tx.commit().await?;
        Ok(records)
    }

    async fn form(&self, id: FormId) -> Result<FormRecord> {
        let row = sqlx::query(&format!("SELECT {FORM_COLUMNS} FROM forms WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        form_from(&row)
    }

    async fn list_forms(&self, filter: &FormFilter) -> Result<FormPage> {
        fn conditions<'a>(query: &mut QueryBuilder<'a, Sqlite>, filter: &'a FormFilter) {
            query.push(" WHERE 1 = 1");
            if let Some(units) = &filter.units {
                query.push(" AND unit IN (");
                // An empty list selects nothing, not everything.
                query.push("NULL");
                for unit in units {
                    query.push(", ").push_bind(unit);
                }
                query.push(")");
            }
            if let Some(year) = filter.year {
                query.push(" AND year = ").push_bind(year);
            }
            if !filter.states.is_empty() {
                query.push(" AND state IN (");
                let mut separated = query.separated(", ");
                for state in &filter.states {
                    separated.push_bind(state.as_str());
                }
                query.push(")");
            }
            if let Some(grade) = &filter.rule_grade {
                query.push(" AND rule_grade = ").push_bind(grade);
            }
            match filter.has_errors {
                Some(true) => {
                    query.push(" AND errors > 0");
                }
                Some(false) => {
                    query.push(" AND errors = 0");
                }
                None => {}
            }
            if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
                query
                    .push(" AND instr(project, ")
                    .push_bind(search.trim())
                    .push(") > 0");
            }
        }

        let mut count = QueryBuilder::<Sqlite>::new("SELECT count(*) FROM forms");
        conditions(&mut count, filter);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;

        let mut select = QueryBuilder::<Sqlite>::new(format!("SELECT {FORM_COLUMNS} FROM forms"));
        conditions(&mut select, filter);
        select
            .push(" ORDER BY updated_at DESC, id DESC LIMIT ")
            .push_bind(filter.limit.clamp(0, 500))
            .push(" OFFSET ")
            .push_bind(filter.offset.max(0));
        let forms = select
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(form_from)
            .collect::<Result<_>>()?;
        Ok(FormPage { forms, total })
    }

    async fn save_version(
        &self,
        id: FormId,
        expected: i64,
        version: NewVersion,
    ) -> Result<FormRecord> {
        let at = now();
        let summary = &version.summary;
        let (_turn, mut tx) = self.write().await?;
        // The conditional update comes first: it takes the write lock and checks the version.
        let update = sqlx::query(
            "UPDATE forms SET version = version + 1, year = ?, project = ?, budget = ?, \
             executed = ?, reported_total = ?, reported_grade = ?, rule_total = ?, \
             rule_grade = ?, errors = ?, warnings = ?, updated_at = ? \
             WHERE id = ? AND version = ?",
        );
        let updated = bind_summary(update, summary)
            .bind(at)
            .bind(id)
            .bind(expected)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated == 0 {
            let current = form_in(&mut tx, id).await?;
            return Err(StoreError::Stale {
                version: current.version,
                state: current.state,
            });
        }
        insert_version(&mut tx, id, expected + 1, &version, at).await?;
        insert_action(
            &mut tx,
            Some(version.author),
            Some(id),
            "save",
            &version.note,
            at,
        )
        .await?;
        let record = form_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn version(&self, id: FormId, number: i64) -> Result<Version> {
        let row = sqlx::query(
            "SELECT form_id, number, form_json, report_json, author, note, created_at \
             FROM versions WHERE form_id = ? AND number = ?",
        )
        .bind(id)
        .bind(number)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        version_from(&row, true)
    }

    async fn versions(&self, id: FormId) -> Result<Vec<Version>> {
        sqlx::query(
            "SELECT form_id, number, author, note, created_at FROM versions \
             WHERE form_id = ? ORDER BY number",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| version_from(row, false))
        .collect()
    }

    async fn move_form(
        &self,
        id: FormId,
        from: State,
        to: State,
        by: UserId,
        action: &str,
        comment: Option<&str>,
    ) -> Result<FormRecord> {
        let at = now();
        let (_turn, mut tx) = self.write().await?;
        let updated =
            sqlx::query("UPDATE forms SET state = ?, updated_at = ? WHERE id = ? AND state = ?")
                .bind(to.as_str())
                .bind(at)
                .bind(id)
                .bind(from.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        let record = form_in(&mut tx, id).await?;
        if updated == 0 {
            return Err(StoreError::Stale {
                version: record.version,
                state: record.state,
            });
        }
        if let Some(body) = comment.filter(|body| !body.trim().is_empty()) {
            sqlx::query(
                "INSERT INTO comments (form_id, version, author, body, created_at) \
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(record.version)
            .bind(by)
            .bind(body)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        let detail = format!("{} → {}", from.label(), to.label());
        insert_action(&mut tx, Some(by), Some(id), action, &detail, at).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn add_comment(&self, id: FormId, author: UserId, body: &str) -> Result<Comment> {
        let at = now();
        let (_turn, mut tx) = self.write().await?;
        let record = form_in(&mut tx, id).await?;
        let comment_id = sqlx::query(
            "INSERT INTO comments (form_id, version, author, body, created_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(record.version)
        .bind(author)
        .bind(body)
        .bind(at)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        insert_action(&mut tx, Some(author), Some(id), "comment", "", at).await?;
        tx.commit().await?;
        Ok(Comment {
            id: comment_id,
            form: id,
            version: record.version,
            author,
            body: body.to_owned(),
            created_at: at,
        })
    }

    async fn comments(&self, id: FormId) -> Result<Vec<Comment>> {
        sqlx::query(
            "SELECT id, form_id, version, author, body, created_at FROM comments \
             WHERE form_id = ? ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(comment_from)
        .collect()
    }

    async fn log(
        &self,
        user: Option<UserId>,
        form: Option<FormId>,
        action: &str,
        detail: &str,
    ) -> Result<()> {
        let mut connection = self.pool.acquire().await?;
        insert_action(&mut connection, user, form, action, detail, now()).await
    }

    async fn actions(&self, form: Option<FormId>, limit: i64) -> Result<Vec<Action>> {
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT id, at, user_id, form_id, action, detail FROM actions",
        );
        if let Some(form) = form {
            query.push(" WHERE form_id = ").push_bind(form);
        }
        query
            .push(" ORDER BY id DESC LIMIT ")
            .push_bind(limit.clamp(0, 10_000));
        query
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                Ok(Action {
                    id: row.try_get("id")?,
                    at: row.try_get("at")?,
                    user: row.try_get("user_id")?,
                    form: row.try_get("form_id")?,
                    action: row.try_get("action")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect()
    }

    async fn backup(&self, path: &str) -> Result<()> {
        // VACUUM INTO writes a consistent, compacted copy while readers and writers go on.
        sqlx::query("VACUUM INTO ?")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
