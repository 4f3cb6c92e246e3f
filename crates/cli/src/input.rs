//! Reading the FILE arguments into forms.
//!
//! A file that cannot be read is reported and skipped; the others are still processed, and the
//! exit code remembers the failure (2).

use std::path::{Path, PathBuf};

use anyhow::Context;
use jixiao_core::{Form, Profile, json};

/// The forms of one input file.
pub struct Document {
    pub forms: Vec<Form>,
}

/// Reads every file; returns the documents that read and whether any failed (already reported).
pub fn read_all(paths: &[PathBuf]) -> (Vec<Document>, bool) {
    let mut documents = Vec::new();
    let mut failed = false;
    for path in paths {
        match read(path) {
            Ok(forms) => documents.push(Document { forms }),
            Err(err) => {
                anstream::eprintln!("jixiao: {err:#}");
                failed = true;
            }
        }
    }
    (documents, failed)
}

fn read(path: &Path) -> anyhow::Result<Vec<Form>> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: 无法读取文件", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|err| {
        anyhow::anyhow!(
            "{}: 不是UTF-8文本（第{}字节）",
            path.display(),
            err.utf8_error().valid_up_to()
        )
    })?;
    json::forms_from_str(&text).map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))
}

/// A built-in profile by name, or a TOML file by path.
pub fn profile(name_or_path: &str) -> anyhow::Result<Profile> {
    if jixiao_core::profile::builtin_text(name_or_path).is_some() {
        return Ok(Profile::builtin(name_or_path)?);
    }
    let path = Path::new(name_or_path);
    if !path.exists() {
        anyhow::bail!(
            "没有名为 `{name_or_path}` 的内置配置，也没有这个文件（内置：national、shanghai）"
        );
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: 无法读取配置文件", path.display()))?;
    Profile::from_toml(&text).with_context(|| format!("{}", path.display()))
}
