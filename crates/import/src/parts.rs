//! Documents made of several parts (a workbook's sheets, the tables of a Word document or a web
//! page, a PDF's pages) → one grid, read once by the form reader.
//!
//! A form may run over two parts (a table split by a page break, or published as two tables), so
//! the parts are joined rather than read one by one, with a blank row between them: in a text
//! layout a blank row marks a page break, and the form reader already knows what it means. Each
//! row keeps its own part and line, and every error and warning is put back there, so that a
//! message says `工作表“绩效表”第12行` rather than a line of a grid nobody sees.

use crate::cells::Row;
use crate::{Import, ImportError, form_reader};

/// The parts of one document, joined into one grid.
#[derive(Debug, Default)]
pub struct Parts<'a> {
    rows: Vec<Row<'a>>,
    /// For the row on grid line `n`, at index `n - 1`: its part (an index into `names`) and its
    /// own line there.
    places: Vec<(usize, usize)>,
    names: Vec<String>,
}

impl<'a> Parts<'a> {
    /// No parts yet.
    pub fn new() -> Parts<'a> {
        Parts::default()
    }

    /// Adds a part named `name` (`工作表“绩效表”`, `第2个表格`, `第3页`); each row's `line` is its
    /// line or row number in that part.
    pub fn push(&mut self, name: impl Into<String>, rows: Vec<Row<'a>>) {
        let part = self.names.len();
        self.names.push(name.into());
        if !self.rows.is_empty() {
            let line = rows.first().map_or(1, |row| row.line);
            self.push_row(part, Row::new(line, Vec::new()));
        }
        for row in rows {
            self.push_row(part, row);
        }
    }

    fn push_row(&mut self, part: usize, mut row: Row<'a>) {
        self.places.push((part, row.line));
        row.line = self.places.len();
        self.rows.push(row);
    }

    /// Whether no part has been added.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Reads the forms of every part. A document in which no part holds a form is one error
    /// that says which kind of document (`工作簿`, `Word文档`, …) had none.
    pub fn read(self, document: &str) -> Import {
        if self.rows.iter().all(Row::is_blank) {
            return Import {
                errors: vec![ImportError {
                    file: None,
                    part: None,
                    line: 1,
                    found: format!("{document}中没有自评表"),
                    expected: "含“财政项目支出绩效自评表”或“项目名称”的表格".to_owned(),
                    form: None,
                }],
                ..Import::default()
            };
        }
        let mut import = form_reader::read_forms(&self.rows);
        for error in &mut import.errors {
            (error.part, error.line) = self.place(error.line);
        }
        for warning in &mut import.warnings {
            (warning.part, warning.line) = self.place(warning.line);
        }
        import
    }

    /// The part and the line there of grid line `line`; one past the last row is one past the
    /// last part's last line (the end of the document).
    fn place(&self, line: usize) -> (Option<String>, usize) {
        let (part, local) = match self.places.get(line.wrapping_sub(1)) {
            Some(place) => *place,
            None => match self.places.last() {
                Some((part, last)) => (*part, last + 1),
                None => return (None, line),
            },
        };
        (self.names.get(part).cloned(), local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cells::Cell;

    fn row(line: usize, texts: &[&'static str]) -> Row<'static> {
        let cells = texts
            .iter()
            .enumerate()
            .map(|(column, text)| Cell::new(column, *text))
            .collect();
        Row::new(line, cells)
    }

    #[test]
    fn messages_name_the_part_and_its_own_line() {
        let mut parts = Parts::new();
        parts.push("封面", vec![row(3, &["说明"])]);
        parts.push(
            "工作表“绩效表”",
            vec![
                row(1, &["财政项目支出绩效自评表"]),
                row(2, &["项目名称", "课题研究"]),
                row(4, &["莫名其妙的一行"]),
            ],
        );
        let end = parts.place(parts.rows.len() + 1);
        let import = parts.read("工作簿");
        let stray = &import.warnings[0];
        assert_eq!((stray.part.as_deref(), stray.line), (Some("封面"), 3));
        // The title has no year: the form fails at its 项目名称 row, grid line 4.
        let error = &import.errors[0];
        assert_eq!(
            (error.part.as_deref(), error.line),
            (Some("工作表“绩效表”"), 2)
        );
        assert!(
            error
                .to_string()
                .starts_with("工作表“绩效表”第2行（课题研究）"),
            "{error}"
        );
        // The end of the document is one past the last part's last line.
        assert_eq!(end, (Some("工作表“绩效表”".to_owned()), 5));
    }

    #[test]
    fn a_document_without_text_is_one_error() {
        let mut parts = Parts::new();
        parts.push("第1页", vec![row(1, &[" "])]);
        let import = parts.read("PDF文档");
        assert_eq!(import.errors.len(), 1);
        assert_eq!(import.errors[0].found, "PDF文档中没有自评表");
    }
}
