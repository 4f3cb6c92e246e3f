//! PDF: the official form on A4 portrait pages, typeset by typst used as a library.
//!
//! Each form starts on a new page, drawn only from `layout::layout`: the title and year, then the
//! bordered eight-column table with its merged cells, whose indicator heading row is printed
//! again at the top of every page the table runs onto; rows do not split across pages (only the
//! 一级/二级 labels merged over a group, and goals too long for one page, may run on). With an
//! audit, the cells a finding is about are tinted by severity and carry numbered markers, the
//! reported total and grade stand beside the rule's, and the findings are listed under the form.
//!
//! Why typst: it lays out tables with row and column spans, repeats a header on each page and
//! breaks pages itself, with proper CJK line breaking; krilla alone would leave all of that to
//! us. The price is build time: typst brings about 230 crates, and a clean build of this crate
//! takes some 4 more minutes in debug and 8 to 9 more in release on two cores.
//! The template (`pdf.typ`) is compiled into the binary and imports nothing. The forms' text
//! reaches it as typst values in `sys.inputs`, never as markup, so no text needs escaping.
//!
//! Fonts: Chinese needs a CJK font. By default the SC faces of Noto Serif CJK / Noto Sans CJK
//! (Debian's fonts-noto-cjk) or Source Han Serif / Sans are looked for in the usual font folders;
//! `PdfOptions::font` names a file instead. Only the chosen family's faces are given to typst, so
//! no character can fall back to the Japanese or Korean faces of the same collection.

use std::path::{Path, PathBuf};

use jixiao_core::finding::Severity;
use jixiao_core::grade::Grade;
use jixiao_core::rounding::{signed, two_places};
use rust_decimal::Decimal;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Array, Bytes, Datetime, Dict, Duration, IntoValue, Value, dict};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

use crate::Item;
use crate::layout::{
    self, COLUMN_WIDTHS, Cell, IndicatorField, Layout, Role, RowKind, Style, Value as CellValue,
};

/// How to make the PDF.
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    /// A font file (`.ttc`, `.otf` or `.ttf`) with Chinese glyphs (`--font PATH`); by default the
    /// Noto CJK SC fonts are looked for among the system fonts.
    pub font: Option<PathBuf>,
}

/// Why no PDF could be made. The messages are for the user, in Chinese.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// No CJK font among the system fonts, and none given.
    #[error(
        "未找到中文字体（Noto Serif CJK SC 或 Noto Sans CJK SC）：请安装 fonts-noto-cjk\
         （Debian/Ubuntu：apt-get install fonts-noto-cjk），或用 --font 指定中文字体文件"
    )]
    NoFont,
    /// The font file given cannot be read.
    #[error(
        "无法读取字体文件 {}：{}；请用 --font 指定存在的中文字体文件，或安装 fonts-noto-cjk 后不加 --font",
        path.display(),
        io_reason(source)
    )]
    FontFile {
        /// The file given.
        path: PathBuf,
        /// Why it cannot be read.
        source: std::io::Error,
    },
    /// The file given is not a font, or has no Chinese glyphs.
    #[error(
        "{} 不是可用的中文字体文件（应为含中文字形的 .ttc、.otf 或 .ttf）：请用 --font 指定中文字体，\
         或安装 fonts-noto-cjk 后不加 --font",
        path.display()
    )]
    NotCjkFont {
        /// The file given.
        path: PathBuf,
    },
    /// typst could not lay the forms out (a fault of the template: please report it).
    #[error("PDF 排版失败：{0}")]
    Typeset(String),
}

/// A PDF and what typst warned about while laying it out.
#[derive(Debug, Clone)]
pub struct Pdf {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// typst's warnings, one line each (none is expected: tests treat them as errors).
    pub warnings: Vec<String>,
}

/// Every form as one PDF, each from a new A4 portrait page.
pub fn document(items: &[Item<'_>], options: &PdfOptions) -> Result<Vec<u8>, PdfError> {
    document_with_warnings(items, options).map(|pdf| pdf.bytes)
}

/// [`document`], with typst's warnings (an unknown font family would be one).
pub fn document_with_warnings(items: &[Item<'_>], options: &PdfOptions) -> Result<Pdf, PdfError> {
    let fonts = match &options.font {
        Some(path) => Fonts::from_file(path)?,
        None => Fonts::from_system()?,
    };
    let title = match items {
        [item] => format!("{} · 财政项目支出绩效自评表", item.form.project),
        _ => "财政项目支出绩效自评表".to_owned(),
    };
    let forms: Vec<Value> = items
        .iter()
        .map(|item| form_value(&layout::layout(item.form, item.audit)))
        .collect();
    let widths: Vec<Value> = COLUMN_WIDTHS
        .iter()
        .map(|width| i64::from(*width).into_value())
        .collect();
    let inputs = dict! {
        "jixiao" => dict! {
            "title" => title,
            "serif" => fonts.serif.clone(),
            "sans" => fonts.sans.clone(),
            "widths" => Array::from(widths.as_slice()),
            "forms" => Array::from(forms.as_slice()),
        },
    };
    let world = FormWorld::new(fonts, inputs)?;
    let compiled = typst::compile::<PagedDocument>(&world);
    let warnings = compiled
        .warnings
        .iter()
        .map(|warning| diagnostic(&world, warning))
        .collect();
    let document = compiled
        .output
        .map_err(|errors| typeset_error(&world, &errors))?;
    let options = typst_pdf::PdfOptions {
        creator: typst::foundations::Smart::Custom(Some("jixiao".into())),
        ..typst_pdf::PdfOptions::default()
    };
    let bytes =
        typst_pdf::pdf(&document, &options).map_err(|errors| typeset_error(&world, &errors))?;
    Ok(Pdf { bytes, warnings })
}

/// The template, compiled into the binary.
const TEMPLATE: &str = include_str!("pdf.typ");

/// The families looked for among the system fonts, best first: the serif draws the form as the
/// published forms are printed (宋体-like), the sans the findings. Either stands in for the other.
const SERIF_FAMILIES: [&str; 2] = ["Noto Serif CJK SC", "Source Han Serif SC"];
const SANS_FAMILIES: [&str; 2] = ["Noto Sans CJK SC", "Source Han Sans SC"];

/// A character every Chinese font has: a font without it cannot print a form.
const CJK_PROBE: char = '财';

/// The fonts given to typst, and the family names the template asks for.
struct Fonts {
    faces: Vec<Font>,
    serif: String,
    sans: String,
}

impl Fonts {
    /// The faces of one file (`--font`): its simplified-Chinese family if it has one (a Noto CJK
    /// collection holds JP, KR, SC, TC and HK), else its first family with Chinese glyphs.
    fn from_file(path: &Path) -> Result<Fonts, PdfError> {
        let bytes = std::fs::read(path).map_err(|source| PdfError::FontFile {
            path: path.to_owned(),
            source,
        })?;
        let faces: Vec<Font> = Font::iter(Bytes::new(bytes))
            .filter(|font| font.info().coverage.contains(u32::from(CJK_PROBE)))
            .collect();
        let family = faces
            .iter()
            .map(|font| font.info().family.clone())
            .find(|family| family.ends_with(" SC"))
            .or_else(|| faces.first().map(|font| font.info().family.clone()))
            .ok_or_else(|| PdfError::NotCjkFont {
                path: path.to_owned(),
            })?;
        let faces = faces
            .into_iter()
            .filter(|font| font.info().family == family)
            .collect();
        Ok(Fonts {
            faces,
            serif: family.clone(),
            sans: family,
        })
    }

    /// The Noto (or Source Han) CJK SC faces among the system fonts.
    fn from_system() -> Result<Fonts, PdfError> {
        let mut files = Vec::new();
        for folder in font_folders() {
            cjk_font_files(&folder, 0, &mut files);
        }
        files.sort();
        files.dedup();
        let wanted =
            |family: &str| SERIF_FAMILIES.contains(&family) || SANS_FAMILIES.contains(&family);
        let mut faces: Vec<Font> = Vec::new();
        for file in files {
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            faces.extend(Font::iter(Bytes::new(bytes)).filter(|font| wanted(&font.info().family)));
        }
        let present = |families: &[&str]| {
            families
                .iter()
                .find(|family| faces.iter().any(|font| font.info().family == **family))
                .map(|family| (*family).to_owned())
        };
        let serif = present(&SERIF_FAMILIES);
        let sans = present(&SANS_FAMILIES);
        let (serif, sans) = match (serif, sans) {
            (Some(serif), Some(sans)) => (serif, sans),
            (Some(one), None) | (None, Some(one)) => (one.clone(), one),
            (None, None) => return Err(PdfError::NoFont),
        };
        Ok(Fonts { faces, serif, sans })
    }
}

/// Where fonts are installed on Linux, macOS and Windows, user folders included.
fn font_folders() -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = [
        "/usr/share/fonts",
        "/usr/local/share/fonts",
        "/System/Library/Fonts",
        "/Library/Fonts",
        "C:\\Windows\\Fonts",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    if let Some(data) = std::env::var_os("XDG_DATA_HOME") {
        folders.push(PathBuf::from(data).join("fonts"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        folders.push(home.join(".local/share/fonts"));
        folders.push(home.join(".fonts"));
        folders.push(home.join("Library/Fonts"));
    }
    folders
}

/// The font files under `folder` whose names say they are Noto CJK or Source Han (each holds
/// tens of megabytes of glyphs, so other fonts are not even opened).
fn cjk_font_files(folder: &Path, depth: usize, files: &mut Vec<PathBuf>) {
    // Font folders are shallow; the bound guards against symbolic-link loops.
    if depth > 8 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            cjk_font_files(&path, depth + 1, files);
            continue;
        }
        let name = entry.file_name().to_string_lossy().to_lowercase();
        let is_font = [".ttc", ".otf", ".ttf"]
            .iter()
            .any(|ext| name.ends_with(ext));
        let is_cjk = [
            "notoserifcjk",
            "notosanscjk",
            "sourcehanserif",
            "sourcehansans",
        ]
        .iter()
        .any(|stem| name.starts_with(stem));
        if is_font && is_cjk {
            files.push(path);
        }
    }
}

fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".to_owned(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".to_owned(),
        std::io::ErrorKind::IsADirectory => "这是一个目录".to_owned(),
        _ => error.to_string(),
    }
}

/// One form as the template reads it.
fn form_value(layout: &Layout) -> Value {
    let rows: Vec<Value> = layout
        .rows
        .iter()
        .map(|row| {
            let cells: Vec<Value> = row
                .cells
                .iter()
                .map(|cell| {
                    let kind = match (cell.role, row.kind) {
                        (Role::Level1(_) | Role::Level2(_), _) => "level",
                        (Role::GoalsExpected | Role::GoalsActual, _) => "goals",
                        (_, RowKind::GoalsHeading) if cell.rowspan > 1 => "goals-label",
                        _ => "plain",
                    };
                    let text = cell.display();
                    let paragraphs: Vec<Value> = text
                        .split('\n')
                        .map(str::trim)
                        .filter(|paragraph| !paragraph.is_empty())
                        .map(|paragraph| paragraph.into_value())
                        .collect();
                    let marks: Vec<Value> = cell
                        .findings
                        .iter()
                        .map(|index| (*index as i64 + 1).into_value())
                        .collect();
                    dict! {
                        "column" => cell.column as i64,
                        "colspan" => cell.colspan as i64,
                        "rowspan" => cell.rowspan as i64,
                        "text" => text,
                        "paragraphs" => Array::from(paragraphs.as_slice()),
                        "style" => style_name(cell.style),
                        "kind" => kind,
                        "severity" => cell.severity.map(severity_name),
                        "marks" => Array::from(marks.as_slice()),
                        // Marks where an indicator row landed (its 三级指标 cell is in every one).
                        "anchor" => matches!(cell.role, Role::Indicator(_, IndicatorField::Name)),
                    }
                    .into_value()
                })
                .collect();
            dict! { "cells" => Array::from(cells.as_slice()) }.into_value()
        })
        .collect();
    let findings: Vec<Value> = layout
        .findings
        .iter()
        .enumerate()
        .map(|(index, finding)| {
            dict! {
                "number" => index as i64 + 1,
                "severity" => severity_name(finding.severity),
                "label" => finding.severity.label(),
                "place" => finding.place.clone(),
                "message" => finding.message.clone(),
                "code" => finding.code.as_str(),
            }
            .into_value()
        })
        .collect();
    let audit = layout
        .rule
        .as_ref()
        .map(|(rule_total, rule_grade)| audit_value(layout, *rule_total, rule_grade));
    let mut form = dict! {
        "project" => shown(layout, Role::Project).map(Cell::display).unwrap_or_default(),
        "title" => layout.title.clone(),
        "subtitle" => layout.subtitle.clone(),
        "header" => layout.indicator_header as i64,
        "rows" => Array::from(rows.as_slice()),
        "findings" => Array::from(findings.as_slice()),
    };
    form.insert("audit".into(), audit.into_value());
    form.into_value()
}

/// The reported total and grade beside the rule's, and the difference.
fn audit_value(layout: &Layout, rule_total: Decimal, rule_grade: &str) -> Dict {
    let shown = |role| shown(layout, role);
    let reported_total = shown(Role::TotalScore).and_then(|cell| match cell.value {
        CellValue::Number(number) => Some(number),
        _ => None,
    });
    let reported_grade = shown(Role::Grade)
        .map(|cell| cell.display())
        .unwrap_or_default();
    let gap = reported_total.map(|reported| rule_total.saturating_sub(reported));
    // Over: the form reports more than the rule gives.
    let gap_kind = match gap {
        Some(gap) if signed(gap) == "0.00" => "none",
        Some(gap) if gap.is_sign_negative() => "over",
        Some(_) => "under",
        None => "none",
    };
    dict! {
        "reported-total" => reported_total.map(two_places).unwrap_or_else(|| "—".to_owned()),
        "reported-grade" => if reported_grade.is_empty() { "—".to_owned() } else { reported_grade.clone() },
        "rule-total" => two_places(rule_total),
        "rule-grade" => rule_grade.to_owned(),
        "gap" => gap.map(signed).unwrap_or_else(|| "—".to_owned()),
        "gap-kind" => gap_kind,
        "grade-differs" => Grade::parse(&reported_grade) != Grade::parse(rule_grade),
    }
}

/// The cell that shows a value of the form.
fn shown(layout: &Layout, role: Role) -> Option<&Cell> {
    layout
        .rows
        .iter()
        .flat_map(|row| &row.cells)
        .find(|cell| cell.role == role)
}

fn style_name(style: Style) -> &'static str {
    match style {
        Style::Label => "label",
        Style::Text => "text",
        Style::Number => "number",
        Style::Centered => "centered",
    }
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The world typst compiles in: the template as the only source, the chosen fonts, no files.
struct FormWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    faces: Vec<Font>,
    main: Source,
}

impl FormWorld {
    fn new(fonts: Fonts, inputs: Dict) -> Result<FormWorld, PdfError> {
        let path = VirtualPath::new("/jixiao-form.typ")
            .map_err(|error| PdfError::Typeset(format!("{error:?}")))?;
        let id = RootedPath::new(VirtualRoot::Project, path).intern();
        Ok(FormWorld {
            library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts.faces)),
            faces: fonts.faces,
            main: Source::new(id, TEMPLATE.to_owned()),
        })
    }
}

impl World for FormWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.faces.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// A diagnostic on one line, with the template line it points at.
fn diagnostic(world: &FormWorld, diagnostic: &SourceDiagnostic) -> String {
    let line = world
        .range(diagnostic.span)
        .and_then(|range| world.main.lines().byte_to_line(range.start))
        .map(|line| format!("（pdf.typ 第 {} 行）", line + 1))
        .unwrap_or_default();
    let hints: Vec<&str> = diagnostic
        .hints
        .iter()
        .map(|hint| hint.v.as_str())
        .collect();
    if hints.is_empty() {
        format!("{}{line}", diagnostic.message)
    } else {
        format!("{}{line}；{}", diagnostic.message, hints.join("；"))
    }
}

fn typeset_error(world: &FormWorld, errors: &[SourceDiagnostic]) -> PdfError {
    let messages: Vec<String> = errors
        .iter()
        .map(|error| diagnostic(world, error))
        .collect();
    PdfError::Typeset(messages.join("\n"))
}
