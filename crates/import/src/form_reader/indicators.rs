//! The indicator table (绩效指标): level labels filled down, one indicator per row, and the rows
//! that a page break split in two put back together.
//!
//! Cells are identified by content, not by column, because extractions shift them: leading cells
//! that are level labels (or pieces of one, see [`super::labels`]) are labels; among the others,
//! the plain numbers are the 分值 and 得分, and the text before them is the name, the target and
//! the actual value, in that order; text after them is the note. A row with no number continues
//! the row above (a page break cut it): each fragment is joined directly to the text it continues,
//! found through the header's column, and label pieces complete the label they were cut from.
//! A row with only one number after the actual value lost its 得分 cell in extraction: the score
//! is `None` and a warning says so; the reader never invents a value.

use jixiao_core::model::Indicator;
use rust_decimal::Decimal;

use super::Notes;
use super::clean::{CellText, has, number, shorten};
use super::labels::{self, Level, Levels};
use crate::cells::Row;

/// The longest label outside the vocabulary that is taken as a label (`社会公众满意度指标` has 9
/// characters); a longer cell that ends in 指标 is an indicator name.
const MAX_UNKNOWN_LABEL: usize = 16;

/// A column of the indicator table, as its header names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Level1,
    Level2,
    Name,
    Target,
    Actual,
    Weight,
    Score,
    Note,
}

/// Whether a row is the indicator table's header: it names 一级指标 and 三级指标 (or 二级指标).
pub(crate) fn is_header(cells: &[CellText]) -> bool {
    cells.iter().any(|cell| cell.key_is("一级指标"))
        && cells
            .iter()
            .any(|cell| cell.key_is("三级指标") || cell.key_is("二级指标"))
}

fn field_of(key: &str) -> Option<Field> {
    let field = if has(key, "一级") {
        Field::Level1
    } else if has(key, "二级") {
        Field::Level2
    } else if has(key, "三级") {
        Field::Name
    } else if has(key, "实际") {
        Field::Actual
    } else if has(key, "指标值") || has(key, "目标值") || has(key, "年度目标") {
        Field::Target
    } else if has(key, "分值") || has(key, "分数") || has(key, "权重") {
        Field::Weight
    } else if has(key, "得分") {
        Field::Score
    } else if ["偏差", "原因", "措施", "备注", "说明"]
        .iter()
        .any(|word| has(key, word))
    {
        Field::Note
    } else {
        return None;
    };
    Some(field)
}

/// The label currently filled down at one level.
#[derive(Debug, Default)]
struct Slot {
    /// The label as read so far.
    text: String,
    /// Whether it is a whole label; a piece cut by a page break waits for its tail.
    complete: bool,
    /// The index of the first indicator of its group.
    start: usize,
    /// The line it was read on.
    line: usize,
}

/// A leading cell of a row that is a level label.
#[derive(Debug)]
enum LabelCell {
    /// The tail of a label cut on an earlier row, making it whole.
    Completion { level: Level, label: String },
    /// A whole known label.
    Firm { levels: Levels, text: String },
    /// A piece of a label; given back to the row's text if the row needs it for its name.
    Tentative { levels: Levels, text: String },
}

impl LabelCell {
    fn is_tentative(&self) -> bool {
        matches!(self, LabelCell::Tentative { .. })
    }
}

/// Where the numbers of an indicator row are, among its non-label cells, and their values.
#[derive(Debug)]
struct Layout {
    weight: usize,
    note_from: usize,
    weight_value: Option<Decimal>,
    score_value: Option<Decimal>,
}

impl Layout {
    /// The first run of plain numbers holds the 分值 and 得分. If the run is longer and fewer than
    /// three texts precede it, its head is text (an actual value printed as a bare number).
    fn of(cells: &[CellText]) -> Option<Layout> {
        // Each cell is parsed once, up to the end of the run; the head of the run is shifted by
        // three at most, so its first five values are all that can be needed.
        let mut first = None;
        let mut run = 0;
        let mut values = [None; 5];
        for (index, cell) in cells.iter().enumerate() {
            match number(&cell.clean) {
                Some(value) => {
                    first.get_or_insert(index);
                    if let Some(slot) = values.get_mut(run) {
                        *slot = Some(value);
                    }
                    run += 1;
                }
                None if first.is_some() => break,
                None => {}
            }
        }
        let first = first?;
        let shift = if run > 2 {
            3usize.saturating_sub(first).min(run - 2)
        } else {
            0
        };
        let weight = first + shift;
        let score = (run - shift >= 2).then_some(weight + 1);
        let note_from = weight + if score.is_some() { 2 } else { 1 };
        let value = |index: usize| values.get(index).copied().flatten();
        Some(Layout {
            weight,
            note_from,
            weight_value: value(shift),
            score_value: score.and_then(|_| value(shift + 1)),
        })
    }
}

/// The indicator table as it is read.
#[derive(Debug, Default)]
pub(crate) struct IndicatorTable {
    header: Vec<(usize, Field)>,
    header_line: Option<usize>,
    indicators: Vec<Indicator>,
    /// The line of the first indicator read without a 一级指标 or 二级指标 label (a label is
    /// only ever completed, never filled in where it was empty).
    unlabelled: Option<usize>,
    /// The column each text field of the last indicator came from (only the last one can be
    /// continued, so only its columns are kept).
    last_sources: Vec<(usize, Field)>,
    slots: [Slot; 2],
}

impl IndicatorTable {
    /// Reads the header: what each column holds. A header repeated on a later page is skipped.
    pub(crate) fn header(&mut self, row: &Row, cells: &[CellText]) {
        if self.header_line.is_some() {
            return;
        }
        self.header_line = Some(row.line);
        // Most forms have a few to twenty indicators: room for them saves regrowing a vector of
        // large items from four.
        self.indicators.reserve(16);
        self.header = cells
            .iter()
            .filter_map(|cell| field_of(cell.key()).map(|field| (cell.column, field)))
            .collect();
    }

    /// Whether the header was read.
    pub(crate) fn has_header(&self) -> bool {
        self.header_line.is_some()
    }

    /// The column the header gives to 得分, if any.
    pub(crate) fn score_column(&self) -> Option<usize> {
        self.header
            .iter()
            .find(|(_, field)| *field == Field::Score)
            .map(|(column, _)| *column)
    }

    /// Reads one row of the table: an indicator, or the continuation of the one above.
    pub(crate) fn row(
        &mut self,
        line: usize,
        cells: &[CellText],
        after_break: bool,
        notes: &mut Notes,
    ) {
        if cells.is_empty() {
            return;
        }
        // A cell that cleaning empties (nothing but U+FEFF) does not count. Rows almost never
        // hold one, so the cells are read in place and copied only when one must go.
        if cells.iter().any(|cell| cell.clean.is_empty()) {
            let kept: Vec<CellText> = cells
                .iter()
                .filter(|cell| !cell.clean.is_empty())
                .cloned()
                .collect();
            self.row(line, &kept, after_break, notes);
            return;
        }
        let mut label_cells = self.leading_labels(cells);
        loop {
            let rest = cells.get(label_cells.len()..).unwrap_or_default();
            let Some(layout) = Layout::of(rest) else {
                self.continuation(cells, line, after_break, notes);
                return;
            };
            if layout.weight < 3 && label_cells.last().is_some_and(LabelCell::is_tentative) {
                // The row needs that cell for its name: it was not a label.
                label_cells.pop();
                continue;
            }
            if layout.weight == 0 {
                self.continuation(cells, line, after_break, notes);
                return;
            }
            self.apply_labels(label_cells, line, notes);
            self.push(rest, &layout, line, notes);
            return;
        }
    }

    /// The indicators; labels still unfinished are kept as printed, with a warning.
    pub(crate) fn finish(self, notes: &mut Notes) -> Vec<Indicator> {
        for slot in &self.slots {
            if !slot.complete && !slot.text.is_empty() {
                notes.warn(
                    slot.line,
                    format!(
                        "指标标签“{}”不完整（可能被分页截断），按原样保留",
                        slot.text
                    ),
                );
            }
        }
        if let Some(line) = self.unlabelled {
            notes.warn(
                line,
                "有指标行之前没有一级指标或二级指标标签，标签记为空".to_owned(),
            );
        }
        self.indicators
    }

    fn slot(&self, level: Level) -> &Slot {
        match level {
            Level::One => &self.slots[0],
            Level::Two => &self.slots[1],
        }
    }

    fn slot_mut(&mut self, level: Level) -> &mut Slot {
        match level {
            Level::One => &mut self.slots[0],
            Level::Two => &mut self.slots[1],
        }
    }

    fn field_at(&self, column: usize) -> Option<Field> {
        self.header
            .iter()
            .find(|(header_column, _)| *header_column == column)
            .map(|(_, field)| *field)
    }

    /// The leading cells of a row that are level labels, two at most.
    fn leading_labels(&self, cells: &[CellText]) -> Vec<LabelCell> {
        let mut completed = Levels::default();
        let mut label_cells = Vec::new();
        for cell in cells {
            if label_cells.len() == 2 {
                break;
            }
            let text = labels::strip_weight(&cell.clean);
            if let Some((level, label)) = self.completion(&text, completed) {
                match level {
                    Level::One => completed.one = true,
                    Level::Two => completed.two = true,
                }
                label_cells.push(LabelCell::Completion { level, label });
            } else if let Some((label, levels)) = labels::exact(&text) {
                label_cells.push(LabelCell::Firm {
                    levels,
                    text: label.to_owned(),
                });
            } else if let Some(levels) = labels::head_of(&text) {
                label_cells.push(LabelCell::Tentative {
                    levels,
                    text: text.into_owned(),
                });
            } else if let Some(levels) = self.label_column(cell.column)
                && text.ends_with("指标")
                && text.chars().count() <= MAX_UNKNOWN_LABEL
            {
                // A label outside the vocabulary, in a label column; a long text ending in 指标 is
                // an indicator name, not a label to copy onto every row below.
                label_cells.push(LabelCell::Tentative {
                    levels,
                    text: text.into_owned(),
                });
            } else {
                break;
            }
        }
        label_cells
    }

    fn label_column(&self, column: usize) -> Option<Levels> {
        match self.field_at(column)? {
            Field::Level1 => Some(Levels {
                one: true,
                two: false,
            }),
            Field::Level2 => Some(Levels {
                one: false,
                two: true,
            }),
            _ => None,
        }
    }

    /// The level whose unfinished label `text` completes, with the whole label.
    fn completion(&self, text: &str, completed: Levels) -> Option<(Level, String)> {
        [Level::One, Level::Two].into_iter().find_map(|level| {
            let slot = self.slot(level);
            if slot.complete || slot.text.is_empty() || completed.contains(level) {
                return None;
            }
            let (label, levels) = labels::join(&slot.text, text)?;
            levels.contains(level).then(|| (level, label.to_owned()))
        })
    }

    /// The level a label gets when its row does not tell.
    fn level_for(&self, levels: Levels) -> Level {
        if levels.one && levels.two {
            // `成本指标` is a 二级指标 under `产出指标`, a 一级指标 elsewhere.
            if self.slot(Level::One).text == "产出指标" {
                Level::Two
            } else {
                Level::One
            }
        } else if levels.one {
            Level::One
        } else {
            Level::Two
        }
    }

    fn apply_labels(&mut self, label_cells: Vec<LabelCell>, line: usize, notes: &mut Notes) {
        // Completions apply at once; the other cells start groups, at levels worked out before
        // any of them starts. A row has two label cells at most, so no vector is needed.
        let mut others = [None, None];
        let mut free = others.iter_mut();
        for label_cell in label_cells {
            let other = match label_cell {
                LabelCell::Completion { level, label } => {
                    self.complete(level, label);
                    continue;
                }
                LabelCell::Firm { levels, text } => (levels, text, true),
                LabelCell::Tentative { levels, text } => (levels, text, false),
            };
            if let Some(slot) = free.next() {
                *slot = Some(other);
            }
        }
        let levels = match &others {
            [Some((first, ..)), Some((second, ..))] if first.one && second.two => {
                [Level::One, Level::Two]
            }
            _ => others.each_ref().map(|other| {
                other
                    .as_ref()
                    .map_or(Level::One, |(levels, ..)| self.level_for(*levels))
            }),
        };
        for (other, level) in others.into_iter().zip(levels) {
            if let Some((_, text, complete)) = other {
                self.set(level, text, complete, line, notes);
            }
        }
    }

    /// Starts a new group at `level` with the next indicator.
    fn set(&mut self, level: Level, text: String, complete: bool, line: usize, notes: &mut Notes) {
        let start = self.indicators.len();
        let slot = self.slot_mut(level);
        if !slot.complete && !slot.text.is_empty() {
            notes.warn(
                slot.line,
                format!(
                    "指标标签“{}”不完整（可能被分页截断），按原样保留",
                    slot.text
                ),
            );
        }
        *slot = Slot {
            text,
            complete,
            start,
            line,
        };
    }

    /// Makes the label at `level` whole, in every indicator of its group read so far.
    fn complete(&mut self, level: Level, label: String) {
        let slot = self.slot_mut(level);
        let old = std::mem::replace(&mut slot.text, label.clone());
        slot.complete = true;
        let start = slot.start;
        for indicator in self.indicators.iter_mut().skip(start) {
            let field = match level {
                Level::One => &mut indicator.level1,
                Level::Two => &mut indicator.level2,
            };
            if *field == old {
                field.clone_from(&label);
            }
        }
    }

    /// Adds a fragment outside the vocabulary to an unfinished label.
    fn extend_label(&mut self, level: Level, fragment: &str) {
        let slot = self.slot(level);
        let label = match labels::join(&slot.text, fragment) {
            Some((label, _)) => label.to_owned(),
            None => format!("{}{fragment}", slot.text),
        };
        self.complete(level, label);
    }

    fn push(&mut self, cells: &[CellText], layout: &Layout, line: usize, notes: &mut Notes) {
        let texts = cells.get(..layout.weight).unwrap_or_default();
        // The buffer of the last indicator's columns is reused.
        let mut sources = std::mem::take(&mut self.last_sources);
        sources.clear();
        let (name, target, actual) = self.text_fields(texts, line, notes, &mut sources);
        let weight = layout.weight_value;
        let score = layout.score_value;
        let note_cells = cells.get(layout.note_from..).unwrap_or_default();
        let note = joined(note_cells);
        sources.extend(note_cells.iter().map(|cell| (cell.column, Field::Note)));
        if score.is_none() {
            notes.warn(
                line,
                format!(
                    "指标“{}”只有分值没有得分（单元格可能在提取时丢失），得分记为空",
                    shorten(&name)
                ),
            );
        }
        let [level1, level2] = [Level::One, Level::Two].map(|level| self.slot(level).text.clone());
        if self.unlabelled.is_none() && (level1.is_empty() || level2.is_empty()) {
            self.unlabelled = Some(line);
        }
        self.indicators.push(Indicator {
            level1,
            level2,
            name,
            target,
            actual,
            weight,
            score,
            note,
            extra: Default::default(),
        });
        self.last_sources = sources;
    }

    /// Name, target and actual from the text cells before the numbers: in order when there are
    /// three, else by the header's columns, else in order with what is missing left empty.
    fn text_fields(
        &self,
        texts: &[CellText],
        line: usize,
        notes: &mut Notes,
        sources: &mut Vec<(usize, Field)>,
    ) -> (String, String, String) {
        let fields = [Field::Name, Field::Target, Field::Actual];
        if let [name, target, actual] = texts {
            // The common row: no assignment to work out.
            sources.extend([
                (name.column, Field::Name),
                (target.column, Field::Target),
                (actual.column, Field::Actual),
            ]);
            return (
                name.clean.as_ref().to_owned(),
                target.clean.as_ref().to_owned(),
                actual.clean.as_ref().to_owned(),
            );
        }
        let mut values = [String::new(), String::new(), String::new()];
        let by_header: Option<Vec<Field>> = texts
            .iter()
            .map(|cell| {
                self.field_at(cell.column)
                    .filter(|field| fields.contains(field))
            })
            .collect();
        let by_header = by_header.filter(|found| {
            found.windows(2).all(|pair| match pair {
                [first, second] => position(&fields, *first) < position(&fields, *second),
                _ => true,
            })
        });
        let assignment: Vec<Field> = match (texts.len(), by_header) {
            (_, Some(found)) => found,
            (count, None) if count < 3 => fields.iter().copied().take(count).collect(),
            (count, None) => {
                // More texts than fields: the extra ones are more of the name.
                let mut assignment = vec![Field::Name; count - 2];
                assignment.extend([Field::Target, Field::Actual]);
                assignment
            }
        };
        if texts.len() != 3 {
            notes.warn(
                line,
                format!(
                    "指标行的名称、年度指标值、实际完成值应为3个单元格，找到{}个，按{}读取",
                    texts.len(),
                    if texts.len() < 3 {
                        "表头的列或顺序"
                    } else {
                        "顺序（多出的并入名称）"
                    }
                ),
            );
        }
        for (cell, field) in texts.iter().zip(assignment) {
            if let Some(value) = values.get_mut(position(&fields, field)) {
                value.push_str(&cell.clean);
            }
            sources.push((cell.column, field));
        }
        let [name, target, actual] = values;
        (name, target, actual)
    }

    /// A row with no numbers: label tails complete labels, text fragments continue the text of
    /// the indicator above.
    fn continuation(
        &mut self,
        cells: &[CellText],
        line: usize,
        after_break: bool,
        notes: &mut Notes,
    ) {
        if !after_break {
            notes.warn(line, "这一行没有分值和得分，当作上一行的续行".to_owned());
        }
        let mut completed = Levels::default();
        for cell in cells {
            let (column, text) = (cell.column, &*cell.clean);
            let label_text = labels::strip_weight(text);
            if let Some((level, label)) = self.completion(&label_text, completed) {
                match level {
                    Level::One => completed.one = true,
                    Level::Two => completed.two = true,
                }
                self.complete(level, label);
                continue;
            }
            let field = self.field_at(column);
            let label_level = match field {
                Some(Field::Level1) => Some(Level::One),
                Some(Field::Level2) => Some(Level::Two),
                _ => None,
            };
            // A whole label is a label in any column; a piece of one only in a label column.
            if let Some((label, levels)) = labels::exact(&label_text) {
                let level = label_level
                    .filter(|level| levels.contains(*level))
                    .unwrap_or_else(|| self.level_for(levels));
                self.set(level, label.to_owned(), true, line, notes);
                continue;
            }
            if let Some(level) = label_level {
                if let Some(levels) = labels::head_of(&label_text) {
                    let level = if levels.contains(level) {
                        level
                    } else {
                        self.level_for(levels)
                    };
                    self.set(level, label_text.into_owned(), false, line, notes);
                    continue;
                }
                let slot = self.slot(level);
                if !slot.complete && !slot.text.is_empty() {
                    self.extend_label(level, &label_text);
                    continue;
                }
            }
            if matches!(field, Some(Field::Weight | Field::Score)) && number(text).is_some() {
                notes.warn(line, format!("数字“{text}”前面没有指标名称，已忽略"));
                continue;
            }
            self.append_fragment(column, field, text, line, notes);
        }
    }

    /// Joins a fragment directly to the text it continues in the last indicator.
    fn append_fragment(
        &mut self,
        column: usize,
        field: Option<Field>,
        text: &str,
        line: usize,
        notes: &mut Notes,
    ) {
        let Some(index) = self.indicators.len().checked_sub(1) else {
            notes.warn(
                line,
                format!("续行“{}”之前没有指标行，已忽略", shorten(text)),
            );
            return;
        };
        let target = match field {
            Some(field @ (Field::Name | Field::Target | Field::Actual | Field::Note)) => field,
            _ => self.source_field(column),
        };
        if let Some(indicator) = self.indicators.get_mut(index) {
            let value = match target {
                Field::Name => &mut indicator.name,
                Field::Target => &mut indicator.target,
                Field::Actual => &mut indicator.actual,
                _ => &mut indicator.note,
            };
            value.push_str(text);
        }
    }

    /// The text field of the last indicator read from `column`, or from the nearest column.
    fn source_field(&self, column: usize) -> Field {
        self.last_sources
            .iter()
            .min_by_key(|(source_column, _)| source_column.abs_diff(column))
            .map(|(_, field)| *field)
            .unwrap_or(Field::Note)
    }
}

/// The texts of the cells, joined directly; one cell's text is copied once, with no regrowth.
fn joined(cells: &[CellText]) -> String {
    match cells {
        [cell] => cell.clean.as_ref().to_owned(),
        _ => cells.iter().map(|cell| &*cell.clean).collect(),
    }
}

fn position(fields: &[Field; 3], field: Field) -> usize {
    fields
        .iter()
        .position(|candidate| *candidate == field)
        .unwrap_or(0)
}
