//! The 年度总体目标 block: the row after `预期目标 … 实际完成情况`, plus the rows that continue it.
//!
//! Goal text is plain text in the canonical JSON: `<p>` markup is removed and paragraphs are
//! joined by `\n`. A goal that a page break cut continues on a later row, usually alone in a
//! column that does not line up with either goal; the reader gives such a fragment to the goal
//! that does not end a sentence, and joins it directly (`…提供` + `坚强思想保证。`), since both
//! halves are one paragraph.

use super::clean::{CellText, ends_sentence, has_breaks, paragraphs};

/// Which goal a cell belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Expected,
    Actual,
}

/// The goals as they are read.
#[derive(Debug, Default)]
pub(crate) struct GoalsTable {
    expected_column: usize,
    actual_column: usize,
    expected: Vec<String>,
    actual: Vec<String>,
}

/// Whether a row is the goals header: it names 预期目标 and 实际完成情况.
pub(crate) fn is_header(cells: &[CellText]) -> bool {
    cells.iter().any(|cell| cell.key_is("预期目标"))
        && cells.iter().any(|cell| cell.key_starts_with("实际完成"))
}

/// The paragraphs of a goal cell; a cell without markup or line breaks is one paragraph, its
/// text as already cleaned.
fn cell_paragraphs(cell: &CellText) -> Vec<String> {
    if has_breaks(cell.raw) {
        paragraphs(cell.raw)
    } else if cell.clean.is_empty() {
        Vec::new()
    } else {
        vec![cell.clean.clone().into_owned()]
    }
}

/// Whether a cleaned cell is a piece of the block's own label (`年度 总体 目标`, split over rows).
fn is_label_piece(text: &str) -> bool {
    const LABEL: &str = "年度总体目标";
    // The length test first: goal text is long, and searching for it would be slow.
    (text.len() <= LABEL.len() && text.chars().count() >= 2 && LABEL.contains(text))
        || text == "预期目标"
        || text.starts_with("实际完成情况")
}

impl GoalsTable {
    /// Reads the header: the columns of the two goals.
    pub(crate) fn header(&mut self, cells: &[CellText]) {
        for cell in cells {
            let key = cell.key();
            if key == "预期目标" {
                self.expected_column = cell.column;
            } else if key.starts_with("实际完成") {
                self.actual_column = cell.column;
            }
        }
        if self.actual_column <= self.expected_column {
            self.actual_column = self.expected_column + 1;
        }
    }

    /// Reads a row of goal text: the first one, or one that continues it.
    pub(crate) fn content(&mut self, cells: &[CellText]) {
        let cells: Vec<(usize, Vec<String>)> = cells
            .iter()
            .filter(|cell| !is_label_piece(&cell.clean))
            .map(|cell| (cell.column, cell_paragraphs(cell)))
            .filter(|(_, text)| !text.is_empty())
            .collect();
        // The sides are worked out first, so that the paragraphs can be moved, not copied.
        let lone = match cells.as_slice() {
            [(column, _)] => Some(self.side_of_fragment(*column)),
            _ => None,
        };
        // Two cells both nearer one goal still are the two goals, in order.
        let pair = matches!(cells.as_slice(), [(first, _), (second, _)]
            if self.nearest(*first) == self.nearest(*second));
        for (index, (column, text)) in cells.into_iter().enumerate() {
            let side = match (lone, pair) {
                (Some(side), _) => side,
                (None, true) if index == 0 => Side::Expected,
                (None, true) => Side::Actual,
                (None, false) => self.nearest(column),
            };
            self.append(side, text);
        }
    }

    /// The goals: paragraphs joined by `\n`.
    pub(crate) fn finish(self) -> (String, String) {
        (self.expected.join("\n"), self.actual.join("\n"))
    }

    /// Whether any goal text was read.
    pub(crate) fn is_empty(&self) -> bool {
        self.expected.is_empty() && self.actual.is_empty()
    }

    /// Where a lone cell goes: the goal a page break cut, if exactly one is unfinished; else the
    /// goal whose column is nearest.
    fn side_of_fragment(&self, column: usize) -> Side {
        let unfinished = |paragraphs: &[String]| {
            paragraphs
                .last()
                .is_some_and(|paragraph| !ends_sentence(paragraph))
        };
        match (unfinished(&self.expected), unfinished(&self.actual)) {
            (true, false) => Side::Expected,
            (false, true) => Side::Actual,
            _ => self.nearest(column),
        }
    }

    fn nearest(&self, column: usize) -> Side {
        if column.abs_diff(self.expected_column) <= column.abs_diff(self.actual_column) {
            Side::Expected
        } else {
            Side::Actual
        }
    }

    fn append(&mut self, side: Side, text: Vec<String>) {
        let goal = match side {
            Side::Expected => &mut self.expected,
            Side::Actual => &mut self.actual,
        };
        let mut text = text.into_iter();
        if let Some(last) = goal.last_mut()
            && let Some(first) = text.next()
        {
            // A fragment continues the paragraph it was cut from.
            last.push_str(&first);
        }
        goal.extend(text);
    }
}
