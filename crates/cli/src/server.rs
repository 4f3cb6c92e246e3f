//! The server's commands: `serve`, `org`, `user`, `backup`. Each opens the store, calls the
//! server library and prints; a small tokio runtime is started only for them.

use std::io::{BufRead, Write, stdout};

use anyhow::Context;
use jixiao_core::workflow::{OrgKind, Role};
use jixiao_server::{App, auth, demo};
use jixiao_store::{NewUser, Org, SqliteStore, Store};

use crate::args::{DbArg, OrgAction, OrgKindArg, RoleArg, ServeArgs, UserAction};
use crate::commands::Outcome;
use crate::input;

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")
}

async fn open(db: &DbArg) -> anyhow::Result<SqliteStore> {
    SqliteStore::open(&db.db)
        .await
        .with_context(|| format!("{}：无法打开数据库", db.db))
}

/// Opens a database that must exist: listing or backing up a mistyped path is an error, not a
/// new empty database.
async fn open_existing(db: &DbArg) -> anyhow::Result<SqliteStore> {
    SqliteStore::open_existing(&db.db)
        .await
        .with_context(|| format!("{}：数据库不存在或无法打开", db.db))
}

pub fn serve(options: ServeArgs) -> anyhow::Result<Outcome> {
    let profile_name = options
        .profile
        .clone()
        .unwrap_or_else(|| if options.demo { "shanghai" } else { "national" }.to_owned());
    let profile = input::profile(&profile_name)?;
    // Errors of requests (never secrets) go to standard error.
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::INFO)
        .with_writer(std::io::stderr)
        .try_init();
    runtime()?.block_on(async move {
        // The demo's database lives in a temporary directory that goes when the server stops.
        let temp = if options.demo {
            Some(tempfile::tempdir().context("无法创建临时目录")?)
        } else {
            None
        };
        let db = match &temp {
            Some(dir) => DbArg {
                db: dir.path().join("demo.db").to_string_lossy().into_owned(),
            },
            None => options.db,
        };
        let store = open(&db).await?;
        let mut out = stdout();
        if options.demo {
            let accounts = demo::seed(&store, &profile)
                .await
                .context("无法载入演示数据")?;
            writeln!(out, "演示模式：临时数据库已载入示例的15张自评表（评分配置 {profile_name}）")?;
            writeln!(out, "演示账号（密码均为 {}）：", demo::PASSWORD)?;
            for account in &accounts {
                writeln!(
                    out,
                    "  {:<16}{}  {}",
                    account.login,
                    account.role.label(),
                    account.org
                )?;
            }
        } else if store.users().await?.is_empty() {
            writeln!(
                out,
                "数据库 {} 中还没有用户。先创建财政局和第一个管理员，例如：\n  \
                 jixiao org add --db {0} --name 某市财政局 --kind finance\n  \
                 echo '至少8位的密码' | jixiao user add --db {0} --login admin --name 管理员 --org 某市财政局 --role admin",
                db.db
            )?;
        }
        let listener = jixiao_server::bind(options.addr)
            .await
            .with_context(|| format!("无法监听 {}", options.addr))?;
        let address = listener.local_addr()?;
        writeln!(out, "jixiao 已启动：http://{address}/ （API：http://{address}/api/v1，按 Ctrl-C 停止）")?;
        out.flush()?;
        let mut app = App::new(store.clone(), profile);
        app.secure_cookies = options.tls;
        app.pdf.font = options.font;
        jixiao_server::serve(app, listener, shutdown_signal()).await?;
        store.close().await;
        drop(temp);
        Ok(Outcome::default())
    })
}

/// Ctrl-C or SIGTERM: stop accepting, finish what is in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

fn find_org<'a>(orgs: &'a [Org], name_or_id: &str) -> anyhow::Result<&'a Org> {
    let by_id = name_or_id.parse::<i64>().ok();
    orgs.iter()
        .find(|org| Some(org.id) == by_id || org.name == name_or_id)
        .ok_or_else(|| anyhow::anyhow!("没有名称或编号为“{name_or_id}”的机构"))
}

pub fn org(action: OrgAction) -> anyhow::Result<Outcome> {
    runtime()?.block_on(async move {
        let mut out = stdout();
        match action {
            OrgAction::Add {
                db,
                name,
                kind,
                parent,
            } => {
                let store = open(&db).await?;
                let orgs = store.orgs().await?;
                let parent = parent
                    .map(|parent| find_org(&orgs, &parent).map(|org| org.id))
                    .transpose()?;
                let kind = match kind {
                    OrgKindArg::Finance => OrgKind::Finance,
                    OrgKindArg::Department => OrgKind::Department,
                    OrgKindArg::Unit => OrgKind::Unit,
                };
                let org = store.create_org(name.trim(), kind, parent).await?;
                writeln!(
                    out,
                    "已新增{}“{}”（编号 {}）",
                    kind.label(),
                    org.name,
                    org.id
                )?;
            }
            OrgAction::List { db } => {
                let store = open_existing(&db).await?;
                for org in store.orgs().await? {
                    let parent = org.parent.map_or(String::new(), |p| p.to_string());
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}",
                        org.id,
                        org.kind.label(),
                        parent,
                        org.name
                    )?;
                }
            }
        }
        Ok(Outcome::default())
    })
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("JIXIAO_PASSWORD") {
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("无法从标准输入读取密码")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

pub fn user(action: UserAction) -> anyhow::Result<Outcome> {
    runtime()?.block_on(async move {
        let mut out = stdout();
        match action {
            UserAction::Add {
                db,
                login,
                name,
                org,
                role,
            } => {
                let store = open(&db).await?;
                let orgs = store.orgs().await?;
                let org = find_org(&orgs, &org)?;
                let password = read_password()?;
                if password.chars().count() < jixiao_server::api::MIN_PASSWORD {
                    anyhow::bail!(
                        "密码至少需要{}个字符（从 JIXIAO_PASSWORD 或标准输入读取）",
                        jixiao_server::api::MIN_PASSWORD
                    );
                }
                let role = match role {
                    RoleArg::Filler => Role::Filler,
                    RoleArg::Reviewer => Role::Reviewer,
                    RoleArg::Admin => Role::Admin,
                };
                let user = store
                    .create_user(NewUser {
                        login: login.trim().to_owned(),
                        name: name.trim().to_owned(),
                        org: org.id,
                        role,
                        password_hash: auth::hash_password(&password)
                            .map_err(|error| anyhow::anyhow!(error.message))?,
                    })
                    .await?;
                writeln!(
                    out,
                    "已新增用户 {}（{}，{}）",
                    user.login,
                    role.label(),
                    org.name
                )?;
            }
            UserAction::List { db } => {
                let store = open_existing(&db).await?;
                let orgs = store.orgs().await?;
                for user in store.users().await? {
                    let org = orgs
                        .iter()
                        .find(|o| o.id == user.org)
                        .map_or("", |o| &o.name);
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}",
                        user.login,
                        user.name,
                        user.role.label(),
                        org
                    )?;
                }
            }
        }
        Ok(Outcome::default())
    })
}

pub fn backup(db: DbArg, output: &std::path::Path) -> anyhow::Result<Outcome> {
    if output.exists() {
        anyhow::bail!("{}：文件已存在，不会覆盖", output.display());
    }
    runtime()?.block_on(async move {
        let store = open_existing(&db).await?;
        let path = output.to_string_lossy();
        store
            .backup(&path)
            .await
            .with_context(|| format!("{}：备份失败", output.display()))?;
        writeln!(stdout(), "已备份到 {}", output.display())?;
        Ok(Outcome::default())
    })
}
