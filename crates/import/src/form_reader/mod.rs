//! The form reader: cell grid → canonical forms. This is the finaliser of the two-stage import
//! (hledger's reader + `journalFinalise`): every importer produces the grid of [`crate::cells`],
//! and this module alone knows the layout of a 财政项目支出绩效自评表.
//!
//! A document holds forms one after another, each starting at its title
//! `财政项目支出绩效自评表`. Within a form, rows are recognised by their labels (项目名称, 主管部门,
//! 实施单位, the funds header and its rows, 预期目标 … 实际完成情况, the indicator header, 总分,
//! 评分等级), not by their position, so that shifted or missing cells do not derail the reader.
//! The sections have their own (private) modules: `funds`, `goals`, `indicators`, with `labels`
//! for the level-label vocabulary and `clean` for text and number rules.
//!
//! A form that lacks something it cannot do without (its year, 项目名称, 年度资金总额 row, indicator
//! table or 总分 row) is reported as an [`ImportError`] and skipped; the other forms are kept.
//! Anything read with a doubt is an [`ImportWarning`]. The reader never panics and never invents a
//! value: a number that the document lost is `None`.

pub(crate) mod clean;
mod funds;
mod goals;
mod indicators;
mod labels;

use jixiao_core::model::{Form, Goals, Total};

use self::clean::{CellText, clean, fold_cow, has, number, shorten, shorten_owned, texts};
use self::funds::FundsTable;
use self::goals::GoalsTable;
use self::indicators::IndicatorTable;
use crate::cells::Row;
use crate::{Import, ImportError, ImportWarning};

/// The title that starts every form.
pub const TITLE: &str = "财政项目支出绩效自评表";

/// Reads every form of a grid. Forms that fail are reported in [`Import::errors`] and skipped.
pub fn read_forms(rows: &[Row]) -> Import {
    read_forms_before(rows, None)
}

/// Like [`read_forms`], for a part of a document that ends where the title row `next` (the next
/// part's first row) starts, so that a form cut short says what followed it.
pub fn read_forms_before(rows: &[Row], next_title: Option<&Row>) -> Import {
    let mut reader = FormsReader::default();
    for row in rows {
        reader.row(row);
    }
    reader.finish(next_title.map(|title| title.line))
}

/// Reads forms from rows given one at a time, so that a document need not be a grid first.
#[derive(Default)]
pub(crate) struct FormsReader {
    import: Import,
    /// The buffer of a row's cleaned cells, kept between rows (see [`recycle`]).
    cells: Vec<CellText<'static>>,
    open: Open,
    /// Whether a form has started, and whether the open one has a 项目名称 row.
    started: bool,
    has_project: bool,
    /// The first row with text before the first form: its line and text.
    stray: Option<Place>,
    /// The line of the last row, blank or not.
    last_line: Option<usize>,
}

impl FormsReader {
    /// Reads the next row. Each row's cells are cleaned once, both to find where forms start and
    /// to read them.
    pub(crate) fn row(&mut self, row: &Row) {
        let mut cells = recycle(std::mem::take(&mut self.cells));
        cells.extend(row.non_empty().map(CellText::new));
        self.read(row, &cells);
        self.cells = recycle(cells);
    }

    fn read(&mut self, row: &Row, cells: &[CellText]) {
        self.last_line = Some(row.line);
        if cells.is_empty() {
            if let Open::Titled(reader) = &mut self.open {
                reader.after_break = true;
            }
            return;
        }
        // A title starts a form; so does a 项目名称 row when the open form already has one (its
        // title was lost).
        let titled = is_title_row(cells);
        let starts = if titled {
            self.has_project = false;
            true
        } else if is_project_row(cells) {
            let starts = self.has_project || !self.started;
            self.has_project = true;
            starts
        } else {
            false
        };
        if !starts {
            match &mut self.open {
                Open::Titled(reader) => reader.feed(row, cells),
                Open::Untitled => {}
                Open::None => {
                    if self.stray.is_none() {
                        self.stray = Some((row.line, row_text(row)));
                    }
                }
            }
            return;
        }
        let found = if titled {
            "下一张表的标题"
        } else {
            "下一张表的项目名称"
        };
        self.open.finish(row.line, found, &mut self.import);
        if !self.started
            && let Some((line, text)) = &self.stray
        {
            self.import.warnings.push(ImportWarning {
                file: None,
                part: None,
                line: *line,
                message: format!("第一张表的标题之前有内容“{text}”，已忽略"),
                form: None,
            });
        }
        self.started = true;
        self.open = if titled {
            Open::Titled(FormReader::start(row))
        } else {
            self.import.errors.push(ImportError {
                file: None,
                part: None,
                line: row.line,
                found: row_text(row),
                expected: format!("标题“{TITLE}”（这张表没有标题）"),
                form: project_of(row),
            });
            Open::Untitled
        };
    }

    /// The import, once the rows have ended: at the title on line `next_title`, or at the end of
    /// the document.
    pub(crate) fn finish(mut self, next_title: Option<usize>) -> Import {
        if !self.started {
            let (line, found) = self.stray.unwrap_or_else(|| (1, "空文件".to_owned()));
            self.import.errors.push(ImportError {
                file: None,
                part: None,
                line,
                found,
                expected: format!("标题“{TITLE}”"),
                form: None,
            });
            return self.import;
        }
        match next_title {
            Some(line) => self.open.finish(line, "下一张表的标题", &mut self.import),
            None => {
                let line = self.last_line.map_or(1, |line| line + 1);
                self.open.finish(line, "文件结尾", &mut self.import);
            }
        }
        self.import
    }
}

/// `buffer`, emptied, for cells that borrow from another row. A vector's element type cannot
/// change its lifetime in place, but collecting an emptied vector in place keeps its allocation,
/// so one buffer serves every row.
#[allow(
    clippy::unnecessary_filter_map,
    reason = "the element type changes: a filter cannot do it"
)]
fn recycle<'a, 'b>(mut buffer: Vec<CellText<'a>>) -> Vec<CellText<'b>> {
    buffer.clear();
    buffer.into_iter().filter_map(|_| None).collect()
}

/// The form being read by [`FormsReader`].
#[derive(Default)]
enum Open {
    /// No form has started yet.
    #[default]
    None,
    /// A form with a title.
    Titled(Box<FormReader>),
    /// A form without a title, already reported and skipped.
    Untitled,
}

impl Open {
    /// Ends the form being read where the next one starts (at `line`, with what was `found`
    /// there), and adds it to the import.
    fn finish(&mut self, line: usize, found: &'static str, import: &mut Import) {
        let Open::Titled(reader) = std::mem::replace(self, Open::None) else {
            return;
        };
        match reader.finish(&End { line, found }) {
            Ok((form, warnings)) => {
                import.forms.push(form);
                import.warnings.extend(warnings);
            }
            Err(error) => import.errors.push(*error),
        }
    }
}

/// Warnings gathered while a form is read: line and message.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    items: Vec<(usize, String)>,
}

impl Notes {
    pub(crate) fn warn(&mut self, line: usize, message: String) {
        self.items.push((line, message));
    }
}

/// Where a form's rows end: the next form's first line, or one past the end of the file.
struct End {
    line: usize,
    found: &'static str,
}

/// A title row: a short cell holding the title and no sentence punctuation (the year or the
/// unit may stand around it), so that a goal that mentions the title does not start a form.
pub fn is_title(row: &Row) -> bool {
    row.non_empty().any(|cell| {
        // Cleaning only removes spaces: a cell shorter than the title, or without its first
        // character, is no title.
        cell.text.len() >= TITLE.len()
            && cell.text.contains('财')
            && is_title_text(&clean(&cell.text))
    })
}

/// [`is_title`] of a row whose cells are already cleaned.
fn is_title_row(cells: &[CellText]) -> bool {
    cells.iter().any(|cell| is_title_text(&cell.clean))
}

/// Whether a cleaned cell is a title (see [`is_title`]).
#[inline]
fn is_title_text(text: &str) -> bool {
    // Bounds on the byte length first, inlined (a character has one to four bytes): every cell
    // is asked, most are too short, and goals are too long, to be searched.
    (TITLE.len()..=4 * TITLE_MAX_CHARS).contains(&text.len()) && holds_title(text)
}

/// The most characters a title cell has: the title, and the year or unit around it.
const TITLE_MAX_CHARS: usize = 11 + 24;

/// [`is_title_text`] of a text of a title's length.
fn holds_title(text: &str) -> bool {
    has(text, TITLE)
        && text.chars().count() <= TITLE_MAX_CHARS
        && !text.contains(['，', '。', '；', '：', ',', ';', ':', '、'])
}

/// Whether a row starts with the 项目名称 label.
/// Whether a row can start a form: a title, or a 项目名称 row (a form whose title was lost).
/// Grid builders use it to skip tables and sheets that hold no form.
pub fn may_start_form(row: &Row) -> bool {
    let cells: Vec<CellText> = row.non_empty().map(CellText::new).collect();
    is_title_row(&cells) || is_project_row(&cells)
}

fn is_project_row(cells: &[CellText]) -> bool {
    cells
        .first()
        // Every row is asked: look at its first character before its label.
        .filter(|cell| cell.clean.starts_with('项'))
        .and_then(labelled)
        .is_some_and(|(label, _)| label == Label::Project)
}

fn project_of(row: &Row) -> Option<String> {
    labelled_values(&texts(row))
        .into_iter()
        .find_map(|(label, value)| (label == Label::Project).then_some(value)?)
}

/// A label of the form's header rows, or of the 评分等级 row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Project,
    Department,
    ImplementingUnit,
    Grade,
}

impl Label {
    fn name(self) -> &'static str {
        match self {
            Label::Project => "项目名称",
            Label::Department => "主管部门",
            Label::ImplementingUnit => "实施单位",
            Label::Grade => "评分等级",
        }
    }
}

/// The label a cell holds, with the value printed after it in the same cell, if any
/// (`项目名称：课题研究`, as DOCX and HTML extractions give).
fn labelled(cell: &CellText) -> Option<(Label, Option<String>)> {
    let folded = cell.folded();
    // Every row's first cells are asked: most start with no label's first character.
    if !folded.starts_with(['项', '主', '实', '评', '自', '绩', '等']) {
        return None;
    }
    let label_text = folded.split_once(':').map_or(folded, |(label, _)| label);
    let label = match label_text {
        "项目名称" => Label::Project,
        "主管部门" | "主管部门及代码" => Label::Department,
        "实施单位" | "项目实施单位" => Label::ImplementingUnit,
        "评分等级" | "自评等级" | "绩效等级" | "等级" => Label::Grade,
        _ => return None,
    };
    let value = cell
        .clean
        .split_once([':', '：'])
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty());
    Some((label, value))
}

/// Each label of a row with its value: printed in the same cell, else the next cell (unless that
/// is a label too); `None` when the form left it blank.
fn labelled_values(cells: &[CellText]) -> Vec<(Label, Option<String>)> {
    let mut found = Vec::new();
    for (index, cell) in cells.iter().enumerate() {
        let Some((label, inline)) = labelled(cell) else {
            continue;
        };
        let value = inline.or_else(|| {
            cells
                .get(index + 1..)
                .unwrap_or_default()
                .first()
                .filter(|next| labelled(next).is_none())
                .map(|next| next.clean.clone().into_owned())
        });
        found.push((label, value));
    }
    found
}

/// A row as an error message shows it: its cells, cleaned, separated by spaces, shortened.
fn row_text(row: &Row) -> String {
    // Built in one string: every form remembers a few rows this way.
    let mut text = String::new();
    for (index, cell) in row.non_empty().enumerate() {
        if index > 0 {
            text.push(' ');
        }
        text.push_str(&clean(&cell.text));
    }
    shorten_owned(text)
}

/// The `2024` of `(2024年度)`, `(2024 年度)`, `（２０２４年度）` or `2024年度财政项目…`.
fn year_in(text: &str) -> Option<i32> {
    let folded = fold_cow(clean(text));
    let (before, _) = folded.split_once("年度")?;
    let digits: String = before
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if digits.len() != 4 {
        return None;
    }
    digits.parse().ok()
}

/// The part of the form the reader is in; decides what an unlabelled row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
enum Section {
    #[default]
    Preamble,
    Header,
    Funds,
    Goals,
    Indicators,
    Tail,
}

/// A row and its text, remembered to say where something was expected.
type Place = (usize, String);

#[derive(Debug, Default)]
struct FormReader {
    year: Option<i32>,
    project: Option<(usize, String)>,
    department: Option<String>,
    implementing_unit: Option<String>,
    funds: FundsTable,
    goals: GoalsTable,
    goals_line: Option<usize>,
    indicators: IndicatorTable,
    total: Option<Total>,
    grade: Option<String>,
    section: Section,
    notes: Notes,
    /// The first row after the title and the year: where the year or 项目名称 was expected.
    after_title: Option<Place>,
    /// The row that ended the header and funds rows: where 年度资金总额 was expected.
    after_funds: Option<Place>,
    /// The row that ended the indicator rows: where the table was expected.
    after_indicators: Option<Place>,
    /// Whether a blank row (a page break) came before the next row.
    after_break: bool,
}

impl FormReader {
    /// A reader for the form whose title is `row`.
    fn start(row: &Row) -> Box<FormReader> {
        let mut reader = Box::<FormReader>::default();
        reader.year = row.non_empty().find_map(|cell| year_in(&cell.text));
        reader
    }

    /// Reads the next row with text, given its non-empty cells.
    fn feed(&mut self, row: &Row, cells: &[CellText]) {
        if self.after_title.is_none() && self.project.is_none() {
            self.after_title = Some((row.line, row_text(row)));
        }
        let after_break = std::mem::take(&mut self.after_break);
        self.row(row, cells, after_break);
    }

    /// Reads a row, given its non-empty cells: each is cleaned and folded once, for every rule
    /// below.
    fn row(&mut self, row: &Row, cells: &[CellText], after_break: bool) {
        let first_key = cells.first().map(CellText::key).unwrap_or_default();
        // The labels of the first two cells, in order (no vector: every row is asked).
        let mut labels = cells
            .iter()
            .take(2)
            .filter_map(|cell| labelled(cell).map(|(label, _)| label));
        let labels = [labels.next(), labels.next()];

        if labels[0].is_some_and(|label| label != Label::Grade) {
            self.enter(Section::Header, row);
            self.header_row(row, cells);
        } else if self.section < Section::Goals && funds::is_header(cells) {
            // After the funds, a goal that speaks of 年初预算 is a goal, not a second funds table.
            self.enter(Section::Funds, row);
            self.funds.header(row, cells, &mut self.notes);
        } else if self.section != Section::Indicators
            && let Some((source, label)) = funds::source_of(cells)
        {
            self.enter(Section::Funds, row);
            self.funds.data(row, source, label, &mut self.notes);
        } else if goals::is_header(cells) {
            self.enter(Section::Goals, row);
            self.goals.header(cells);
            self.goals_line = Some(row.line);
        } else if indicators::is_header(cells) {
            self.enter(Section::Indicators, row);
            self.indicators.header(row, cells);
        } else if matches!(first_key, "总分" | "合计" | "总计") {
            self.enter(Section::Tail, row);
            self.total_row(row);
        } else if labels.contains(&Some(Label::Grade)) {
            self.enter(Section::Tail, row);
            self.grade_row(row, cells);
        } else {
            match self.section {
                Section::Preamble if self.year.is_none() => {
                    match row.non_empty().find_map(|cell| year_in(&cell.text)) {
                        Some(year) => {
                            self.year = Some(year);
                            // 项目名称 is expected after the year, not on its row.
                            if self
                                .after_title
                                .as_ref()
                                .is_some_and(|(line, _)| *line == row.line)
                            {
                                self.after_title = None;
                            }
                        }
                        None => self.ignore(row),
                    }
                }
                Section::Goals => self.goals.content(cells),
                Section::Indicators => {
                    self.indicators
                        .row(row.line, cells, after_break, &mut self.notes);
                }
                Section::Preamble | Section::Header | Section::Funds | Section::Tail => {
                    self.ignore(row);
                }
            }
        }
    }

    /// Moves to `section`, remembering where the sections before it ended.
    fn enter(&mut self, section: Section, row: &Row) {
        if section > Section::Funds && self.after_funds.is_none() {
            self.after_funds = Some((row.line, row_text(row)));
        }
        if section > Section::Indicators && self.after_indicators.is_none() {
            self.after_indicators = Some((row.line, row_text(row)));
        }
        self.section = self.section.max(section);
    }

    fn ignore(&mut self, row: &Row) {
        self.notes
            .warn(row.line, format!("无法识别的行“{}”，已忽略", row_text(row)));
    }

    /// 项目名称, 主管部门, 实施单位: each label is followed by its value, wherever the columns are.
    fn header_row(&mut self, row: &Row, cells: &[CellText]) {
        for (label, value) in labelled_values(cells) {
            let Some(value) = value else {
                self.notes
                    .warn(row.line, format!("{}没有填写，记为空", label.name()));
                continue;
            };
            match label {
                Label::Project => self.project = Some((row.line, value)),
                Label::Department => self.department = Some(value),
                Label::ImplementingUnit => self.implementing_unit = Some(value),
                Label::Grade => self.grade = Some(value),
            }
        }
    }

    /// The 总分 row: the 总分 (weight) and 得分 numbers, in that order.
    fn total_row(&mut self, row: &Row) {
        let mut numbers = Vec::new();
        let mut cells = row.non_empty().skip(1);
        while let Some(cell) = cells.next() {
            if let Some((Label::Grade, inline)) = labelled(&CellText::new(cell)) {
                // Some layouts print 评分等级 on the 总分 row.
                self.grade =
                    inline.or_else(|| cells.next().map(|cell| clean(&cell.text).into_owned()));
                break;
            }
            if let Some(value) = number(&cell.text) {
                numbers.push((cell.column, value));
            }
        }
        let total = match numbers.as_slice() {
            [(_, weight), (_, score), ..] => {
                if numbers.len() > 2 {
                    self.notes.warn(
                        row.line,
                        format!("总分行有{}个数字，取前两个", numbers.len()),
                    );
                }
                Total {
                    weight: Some(*weight),
                    score: Some(*score),
                }
            }
            [(column, value)] => {
                let is_score = self.indicators.score_column() == Some(*column);
                self.notes.warn(
                    row.line,
                    format!(
                        "总分行只有一个数字，按列记为{}，另一个记为空",
                        if is_score { "得分" } else { "总分" }
                    ),
                );
                Total {
                    weight: (!is_score).then_some(*value),
                    score: is_score.then_some(*value),
                }
            }
            [] => {
                self.notes
                    .warn(row.line, "总分行没有数字，记为空".to_owned());
                Total {
                    weight: None,
                    score: None,
                }
            }
        };
        self.total = Some(total);
    }

    /// The 评分等级 row: the first cell after the label, as printed.
    fn grade_row(&mut self, row: &Row, cells: &[CellText]) {
        let grade = labelled_values(cells)
            .into_iter()
            .find_map(|(label, value)| (label == Label::Grade).then_some(value)?);
        match grade {
            Some(grade) => self.grade = Some(grade),
            None => self
                .notes
                .warn(row.line, "评分等级没有填写，记为空".to_owned()),
        }
    }

    fn finish(
        mut self: Box<Self>,
        end: &End,
    ) -> Result<(Form, Vec<ImportWarning>), Box<ImportError>> {
        // Diagnostics name the form; a shortened name keeps a runaway cell from being copied
        // into every warning.
        let project = self.project.as_ref().map(|(_, project)| shorten(project));
        let error = |place: Option<&Place>, expected: &str| {
            Box::new(ImportError {
                file: None,
                part: None,
                line: place.map_or(end.line, |(line, _)| *line),
                found: place.map_or_else(|| end.found.to_owned(), |(_, text)| text.clone()),
                expected: expected.to_owned(),
                form: project.clone(),
            })
        };
        let Some(year) = self.year else {
            return Err(error(self.after_title.as_ref(), "年度，如“(2024年度)”"));
        };
        let Some((project_line, project_name)) = self.project.clone() else {
            return Err(error(self.after_title.as_ref(), "“项目名称”行"));
        };
        if !self.funds.has_total() {
            return Err(error(
                self.after_funds.as_ref(),
                "项目资金的“年度资金总额”行",
            ));
        }
        if !self.indicators.has_header() {
            return Err(error(
                self.after_indicators.as_ref(),
                "绩效指标表头（一级指标 二级指标 三级指标 …）",
            ));
        }
        let Some(total) = self.total.take() else {
            return Err(error(None, "“总分”行"));
        };

        let funds_line = self.funds.header_line().unwrap_or(project_line);
        let (funds, execution) =
            std::mem::take(&mut self.funds).finish(funds_line, &mut self.notes);
        let indicators = std::mem::take(&mut self.indicators).finish(&mut self.notes);
        if indicators.is_empty() {
            return Err(error(None, "绩效指标行"));
        }
        if self.goals.is_empty() {
            self.notes.warn(
                self.goals_line.unwrap_or(funds_line),
                "没有找到年度总体目标的内容，记为空".to_owned(),
            );
        }
        let (expected, actual) = std::mem::take(&mut self.goals).finish();
        let department = self.department.take().unwrap_or_else(|| {
            self.notes
                .warn(project_line, "没有找到主管部门，记为空".to_owned());
            String::new()
        });
        let implementing_unit = self.implementing_unit.take().unwrap_or_else(|| {
            self.notes
                .warn(project_line, "没有找到实施单位，记为空".to_owned());
            String::new()
        });
        let grade = self.grade.take().unwrap_or_else(|| {
            self.notes.warn(
                end.line,
                format!("到{}为止没有找到评分等级行，评分等级记为空", end.found),
            );
            String::new()
        });

        let form = Form {
            year,
            project: project_name.clone(),
            department,
            implementing_unit,
            funds,
            execution,
            goals: Goals { expected, actual },
            indicators,
            total,
            grade,
            extra: Default::default(),
        };
        let form_name = shorten(&project_name);
        let warnings = self
            .notes
            .items
            .into_iter()
            .map(|(line, message)| ImportWarning {
                file: None,
                part: None,
                line,
                message,
                form: Some(form_name.clone()),
            })
            .collect();
        Ok((form, warnings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_read_from_the_title_block() {
        assert_eq!(year_in("(2024年度)"), Some(2024));
        assert_eq!(year_in("(2024 年度)"), Some(2024));
        assert_eq!(year_in("（２０２４年度）"), Some(2024));
        assert_eq!(year_in("2024年度财政项目支出绩效自评表"), Some(2024));
        assert_eq!(year_in("(24年度)"), None);
        assert_eq!(year_in("年度"), None);
    }
}
