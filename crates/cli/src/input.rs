//! Reading the FILE arguments into forms, as they come.
//!
//! A FILE is a file, a directory (read recursively, in name order) or `-` for standard input.
//! The format is told from the content (`jixiao_import::detect`). Text layouts in UTF-8 are read
//! form by form (`TextStream`), so a large document never sits in memory as a whole. A file that
//! cannot be read is reported and the others go on; the exit code remembers it (2). Large batches
//! show a progress bar on standard error when it is a terminal.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jixiao_core::{Form, Profile};
use jixiao_import::{Format, Import, TextStream};

/// Inputs above this many bytes in all, or more than one file, get a progress bar.
const PROGRESS_FROM_BYTES: u64 = 4 << 20;

/// Reads every FILE and hands the forms to `on_forms` as they are read, with the file's name.
/// Returns whether any input failed (already reported on standard error).
pub fn each_form_batch(
    paths: &[PathBuf],
    mut on_forms: impl FnMut(&str, Vec<Form>) -> anyhow::Result<()>,
) -> anyhow::Result<bool> {
    let mut failed = false;
    let sources = expand(paths, &mut failed);
    let progress = progress_bar(&sources);
    for source in &sources {
        let name = source.name();
        progress.set_message(name.clone());
        let reader: Box<dyn Read> = match source {
            Source::Stdin => Box::new(io::stdin().lock()),
            Source::File { path, .. } => match File::open(path) {
                Ok(file) => Box::new(progress.wrap_read(file)),
                Err(err) => {
                    progress
                        .suspend(|| anstream::eprintln!("jixiao: {name}：无法读取文件（{err}）"));
                    failed = true;
                    continue;
                }
            },
        };
        let mut reader = BufReader::with_capacity(1 << 16, reader);
        let explicit = !matches!(
            source,
            Source::File {
                explicit: false,
                ..
            }
        );
        let result = read_source(&mut reader, explicit, |import| {
            let import = import.in_file(name.clone());
            progress.suspend(|| report(&import));
            failed |= !import.errors.is_empty();
            on_forms(&name, import.forms)
        });
        match result {
            Ok(SourceRead::Done) => {}
            Ok(SourceRead::Unknown) => progress.suspend(|| {
                anstream::eprintln!(
                    "jixiao: {name}：不是自评表（JSON、Excel工作簿或文本版式），已跳过"
                );
            }),
            Err(err) => {
                progress.suspend(|| anstream::eprintln!("jixiao: {name}：{err:#}"));
                failed = true;
            }
        }
    }
    progress.finish_and_clear();
    Ok(failed)
}

enum SourceRead {
    Done,
    /// A file found in a directory that is not a form document: skipped.
    Unknown,
}

fn read_source(
    reader: &mut BufReader<Box<dyn Read>>,
    explicit: bool,
    mut on_import: impl FnMut(Import) -> anyhow::Result<()>,
) -> anyhow::Result<SourceRead> {
    let head = reader.fill_buf().context("无法读取")?;
    let format = jixiao_import::detect(head);
    let streamable = format == Some(Format::Text) && is_utf8_prefix(head);
    match format {
        None if !explicit => Ok(SourceRead::Unknown),
        Some(Format::Text) if streamable => {
            for part in TextStream::new(reader) {
                let part = part.map_err(|err| match err.kind() {
                    io::ErrorKind::InvalidData => {
                        anyhow::anyhow!("文件中途出现非UTF-8字节，请转换为UTF-8后再读")
                    }
                    _ => anyhow::Error::new(err).context("无法读取"),
                })?;
                on_import(part)?;
            }
            Ok(SourceRead::Done)
        }
        _ => {
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes).context("无法读取")?;
            on_import(jixiao_import::read_document(&bytes))?;
            Ok(SourceRead::Done)
        }
    }
}

/// Whether `head` is UTF-8, allowing a character cut at its end.
fn is_utf8_prefix(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(err) => err.error_len().is_none(),
    }
}

fn report(import: &Import) {
    for warning in &import.warnings {
        anstream::eprintln!("jixiao: 警告：{warning}");
    }
    for error in &import.errors {
        anstream::eprintln!("jixiao: {error}");
    }
}

enum Source {
    Stdin,
    File { path: PathBuf, explicit: bool },
}

impl Source {
    fn name(&self) -> String {
        match self {
            Source::Stdin => "标准输入".to_owned(),
            Source::File { path, .. } => path.display().to_string(),
        }
    }
}

/// Files named, files under the directories named (name order, hidden ones left out), and `-`.
fn expand(paths: &[PathBuf], failed: &mut bool) -> Vec<Source> {
    let mut sources = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(Source::Stdin);
        } else if path.is_dir() {
            if let Err(err) = walk(path, &mut sources) {
                anstream::eprintln!("jixiao: {}：无法读取目录（{err}）", path.display());
                *failed = true;
            }
        } else {
            sources.push(Source::File {
                path: path.clone(),
                explicit: true,
            });
        }
    }
    sources
}

fn walk(dir: &Path, sources: &mut Vec<Source>) -> io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            !path
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with('.'))
        })
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, sources)?;
        } else {
            sources.push(Source::File {
                path,
                explicit: false,
            });
        }
    }
    Ok(())
}

fn progress_bar(sources: &[Source]) -> ProgressBar {
    let total: u64 = sources
        .iter()
        .map(|source| match source {
            Source::File { path, .. } => std::fs::metadata(path).map_or(0, |meta| meta.len()),
            Source::Stdin => 0,
        })
        .sum();
    if sources.len() < 2 && total < PROGRESS_FROM_BYTES {
        return ProgressBar::hidden();
    }
    // Drawn only when standard error is a terminal.
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {bytes_per_sec} {msg}")
    {
        bar.set_style(style);
    }
    bar
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
