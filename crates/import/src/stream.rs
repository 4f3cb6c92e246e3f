//! Reading a text layout form by form, so that memory does not grow with the number of forms.
//!
//! A document is cut before each title row (`财政项目支出绩效自评表`); each part is read with
//! [`form_reader::read_forms_before`] as soon as the next title arrives. Line numbers stay those
//! of the whole document. The input must be UTF-8 (a leading byte-order mark is skipped); other
//! encodings are decoded whole by [`crate::read_bytes`].

use std::collections::VecDeque;
use std::io::{self, BufRead};

use crate::Import;
use crate::cells::Row;
use crate::form_reader::{self, is_title};
use crate::text;

/// The forms of a text layout, one part (normally one form) at a time.
///
/// Each item is the [`Import`] of one part; an I/O error (or bytes that are not UTF-8) ends the
/// stream after it is returned.
pub struct TextStream<R> {
    reader: R,
    line: usize,
    buffer: String,
    /// Rows read from the source and not yet given to a part.
    queue: VecDeque<Row<'static>>,
    emitted: bool,
    finished: bool,
}

impl<R: BufRead> TextStream<R> {
    /// Reads from a buffered UTF-8 source.
    pub fn new(reader: R) -> TextStream<R> {
        TextStream {
            reader,
            line: 0,
            buffer: String::new(),
            queue: VecDeque::new(),
            emitted: false,
            finished: false,
        }
    }

    /// Reads one physical line into the queue; false at the end of the source.
    fn read_line(&mut self) -> io::Result<bool> {
        self.buffer.clear();
        if self.reader.read_line(&mut self.buffer)? == 0 {
            return Ok(false);
        }
        let mut line = self.buffer.strip_suffix('\n').unwrap_or(&self.buffer);
        line = line.strip_suffix('\r').unwrap_or(line);
        if self.line == 0 {
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        // A CR inside a line is a classic Mac OS line end, as in `text::grid`.
        for part in line.split('\r') {
            self.line += 1;
            self.queue
                .push_back(text::row(self.line, part).into_owned());
        }
        Ok(true)
    }

    /// The rows of the next part: up to, not including, the second title row.
    fn next_part(&mut self) -> io::Result<Vec<Row<'static>>> {
        let mut part = Vec::new();
        let mut has_title = false;
        loop {
            let Some(row) = self.queue.pop_front() else {
                if self.read_line()? {
                    continue;
                }
                self.finished = true;
                return Ok(part);
            };
            let title = is_title(&row);
            if title && has_title {
                self.queue.push_front(row);
                return Ok(part);
            }
            has_title |= title;
            part.push(row);
        }
    }
}

impl<R: BufRead> Iterator for TextStream<R> {
    type Item = io::Result<Import>;

    fn next(&mut self) -> Option<io::Result<Import>> {
        if self.finished {
            return None;
        }
        let part = match self.next_part() {
            Ok(part) => part,
            Err(err) => {
                self.finished = true;
                return Some(Err(err));
            }
        };
        // An empty tail after the last form is nothing; an empty document is an error, as whole.
        if self.emitted && part.iter().all(Row::is_blank) {
            return None;
        }
        self.emitted = true;
        Some(Ok(form_reader::read_forms_before(
            &part,
            self.queue.front(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(text: &str) -> Import {
        let mut all = Import::default();
        for part in TextStream::new(text.as_bytes()) {
            let part = part.unwrap_or_default();
            all.forms.extend(part.forms);
            all.warnings.extend(part.warnings);
            all.errors.extend(part.errors);
        }
        all
    }

    #[test]
    fn streaming_reads_what_the_whole_document_reads() {
        let seed = include_str!("../../../examples/2024-shanghai-cgj-selfeval.txt");
        assert_eq!(streamed(seed), crate::read_text(seed));
        let crlf = seed.replace('\n', "\r\n");
        assert_eq!(streamed(&crlf), crate::read_text(&crlf));
        let cr = seed.replace('\n', "\r");
        assert_eq!(streamed(&cr), crate::read_text(&cr));
        let bom = format!("\u{feff}{seed}");
        assert_eq!(streamed(&bom), crate::read_text(&bom));
    }

    #[test]
    fn a_cut_form_names_what_followed_it() {
        let seed = include_str!("../../../examples/2024-shanghai-cgj-selfeval.txt");
        let cut: Vec<&str> = seed
            .lines()
            .filter(|line| !line.starts_with("总分"))
            .collect();
        let cut = cut.join("\n");
        assert_eq!(streamed(&cut), crate::read_text(&cut));
        assert_eq!(streamed(""), crate::read_text(""));
        assert_eq!(streamed("\n\n"), crate::read_text("\n\n"));
    }
}
