//! What an import reports besides forms: errors that made a form be skipped, and warnings about
//! what was read with a doubt (a lost cell, a converted unit, an unfinished label).
//!
//! Both say where, in the terms a user can check against the document: the file (when the caller
//! knows it), the part of a document made of several (a sheet, a table, a page), the 1-based line
//! or row, and the form's 项目名称 once it has been read. Messages are in
//! Chinese, like the forms, and carry no final period.

use std::fmt;

/// A form that could not be read; the import skips it and keeps the others.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}第{line}行{}：找到“{found}”，应为{expected}", file_prefix(.file), part_prefix(.part), form_suffix(.form))]
pub struct ImportError {
    /// The file the text came from, when the caller said (see [`crate::Import::in_file`]).
    pub file: Option<String>,
    /// The part of the document `line` counts in, e.g. `工作表“绩效表”`, `第2个表格`, `第3页`;
    /// `None` for a document that is one part (a text layout, JSON).
    pub part: Option<String>,
    /// 1-based line where the problem was found (one past the last line for the end of the file).
    pub line: usize,
    /// The text found there, shortened, or a description such as `文件结尾`.
    pub found: String,
    /// What the form needed there.
    pub expected: String,
    /// The form's 项目名称, when it had been read.
    pub form: Option<String>,
}

/// Something read with a doubt; the form is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportWarning {
    /// The file the text came from, when the caller said (see [`crate::Import::in_file`]).
    pub file: Option<String>,
    /// The part of the document `line` counts in (see [`ImportError::part`]).
    pub part: Option<String>,
    /// 1-based line the warning is about.
    pub line: usize,
    /// What was done and why.
    pub message: String,
    /// The form's 项目名称, when it had been read.
    pub form: Option<String>,
}

impl fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}第{}行{}：{}",
            file_prefix(&self.file),
            part_prefix(&self.part),
            self.line,
            form_suffix(&self.form),
            self.message
        )
    }
}

fn file_prefix(file: &Option<String>) -> String {
    match file {
        Some(file) => format!("{file}："),
        None => String::new(),
    }
}

fn part_prefix(part: &Option<String>) -> &str {
    part.as_deref().unwrap_or_default()
}

fn form_suffix(form: &Option<String>) -> String {
    match form {
        Some(form) if !form.is_empty() => format!("（{form}）"),
        _ => String::new(),
    }
}
