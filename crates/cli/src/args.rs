//! The command line, as plain data (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// jixiao（绩效）：财政项目支出绩效自评表的导入、评分与审核。
#[derive(Debug, Parser)]
#[command(name = "jixiao", version, about, long_about = None)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 审核自评表：按规则重新计算并列出所有问题
    Audit {
        /// 自评表文件（规范JSON或文本版式）、目录（递归读取）或 `-`（标准输入）
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        profile: ProfileArg,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
        format: AuditFormat,
        /// 出现该级别及以上的问题时以退出码1结束
        #[arg(long, value_enum, default_value_t = DenyLevel::Error)]
        deny: DenyLevel,
    },
    /// 导入：把自评表（JSON或文本版式）转为规范JSON或CSV
    Import {
        /// 自评表文件、目录（递归读取）或 `-`（标准输入）
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 输出文件（默认标准输出）
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// 输出格式：json（规范JSON数组）或 csv（每个三级指标一行，带BOM，Excel可直接打开）
        #[arg(long, value_enum, default_value_t = ImportFormat::Json)]
        format: ImportFormat,
    },
    /// 输出自评表：html（打印版）、xlsx（带公式的填报模板）、pdf、docx（Word文档）、md、text（公开文档的制表符分隔版式）
    Render {
        /// 自评表文件、目录或 `-`
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 输出文件（默认标准输出；xlsx、pdf 与 docx 须指定）
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = RenderFormat::Html)]
        format: RenderFormat,
        /// 标出审核发现的问题，并列出规则总分与等级
        #[arg(long)]
        audit: bool,
        #[command(flatten)]
        profile: ProfileArg,
        /// PDF 使用的中文字体文件（默认在系统字体中查找 Noto CJK SC）
        #[arg(long)]
        font: Option<PathBuf>,
    },
    /// 审核报告：汇总、图表、可排序筛选的问题表，以及标出问题的每张表（HTML）
    Report {
        /// 自评表文件、目录或 `-`
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 输出文件（默认标准输出）
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// 评分：每张表一行，上报总分与等级、规则总分与等级、差额
    Score {
        /// 自评表文件、目录或 `-`
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// 输出规范JSON的JSON Schema
    Schema,
    /// 列出内置评分配置；`profiles show NAME` 输出其中一个
    Profiles {
        #[command(subcommand)]
        action: Option<ProfilesAction>,
    },
    /// 启动网络服务：填报、审核、公开自评表（JSON API）
    Serve(ServeArgs),
    /// 管理机构（财政局、主管部门、实施单位）
    Org {
        #[command(subcommand)]
        action: OrgAction,
    },
    /// 管理用户
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// 在线备份数据库到文件（服务运行时也可执行）
    Backup {
        #[command(flatten)]
        db: DbArg,
        /// 备份文件路径（不能已存在）
        output: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// 监听地址
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// 演示模式：使用临时数据库，载入示例的15张自评表，并打印演示账号
    #[arg(long)]
    pub demo: bool,
    /// 评分配置：内置名称或TOML文件路径（默认 national；演示模式默认 shanghai）
    #[arg(long)]
    pub profile: Option<String>,
    /// 服务位于 HTTPS 之后：会话 Cookie 加上 Secure 标记
    #[arg(long)]
    pub tls: bool,
    /// 导出 PDF 使用的中文字体文件
    #[arg(long)]
    pub font: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct DbArg {
    /// 数据库：SQLite 文件路径或 `sqlite:路径`
    #[arg(long, default_value = "jixiao.db", env = "JIXIAO_DB")]
    pub db: String,
}

#[derive(Debug, Subcommand)]
pub enum OrgAction {
    /// 新增机构
    Add {
        #[command(flatten)]
        db: DbArg,
        /// 机构名称
        #[arg(long)]
        name: String,
        /// 类型：finance（财政局）、department（主管部门）、unit（实施单位）
        #[arg(long, value_enum)]
        kind: OrgKindArg,
        /// 上级机构的名称或编号（财政局没有上级）
        #[arg(long)]
        parent: Option<String>,
    },
    /// 列出机构
    List {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// 新增用户；密码从环境变量 JIXIAO_PASSWORD 或标准输入的第一行读取
    Add {
        #[command(flatten)]
        db: DbArg,
        /// 登录名
        #[arg(long)]
        login: String,
        /// 姓名
        #[arg(long)]
        name: String,
        /// 所属机构的名称或编号
        #[arg(long)]
        org: String,
        /// 角色：filler（填报）、reviewer（审核）、admin（财政）
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// 列出用户
    List {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OrgKindArg {
    Finance,
    Department,
    Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Filler,
    Reviewer,
    Admin,
}

#[derive(Debug, Subcommand)]
pub enum ProfilesAction {
    /// 输出一个内置配置的TOML原文
    Show {
        /// 配置名称，如 national、shanghai
        name: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct ProfileArg {
    /// 评分配置：内置名称（national、shanghai）或TOML文件路径
    #[arg(long, default_value = "national")]
    pub profile: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    Html,
    Xlsx,
    Pdf,
    Docx,
    Md,
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DenyLevel {
    Error,
    Warning,
    Info,
}
