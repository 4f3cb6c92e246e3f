//! Word documents (DOCX) → the cell grid: each table of the body is a part (`第N个表格`), each of
//! its rows a row, each cell a cell in the table's grid column.
//!
//! A Word form is usually a title paragraph (`财政项目支出绩效自评表`) and a year paragraph
//! (`(2024年度)`) above one table, sometimes two tables when the form was split. The form reader
//! needs the title and the year as rows, so those body paragraphs are kept, as one-cell rows of a
//! part `正文` whose line is the paragraph's number among the body's paragraphs (tables not
//! counted); other prose (填报单位, 单位：万元, notes) is left out, since the reader would only warn
//! about it. Tables before the first form (a cover, a list of contents) are left out too.
//!
//! Cells sit on the table's grid: a cell spanning three grid columns (`w:gridSpan`) moves the next
//! one three columns on, and `w:gridBefore` shifts a row. A vertically merged cell carries its
//! text in its first row only (`w:vMerge` continuation cells are read as empty), which is how a
//! table extraction shows it. A cell's paragraphs are joined with `\n`, a tab is `\t`, a line
//! break `\n`; a table nested in a cell gives its paragraphs to that cell. Deleted text
//! (`w:delText`), the old place of moved text (`w:moveFrom`), field codes and text boxes are not
//! text of the table.
//!
//! `word/document.xml` is streamed with quick-xml, and namespaces are resolved, so a document
//! that binds WordprocessingML to another prefix reads the same.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::reader::NsReader;

use crate::cells::{Cell, Row};
use crate::form_reader::clean::shorten;
use crate::parts::Parts;
use crate::{Import, ImportError, form_reader};

/// The main part of a Word document.
const MAIN_PART: &str = "word/document.xml";

/// WordprocessingML, transitional and strict.
const WORD_NAMESPACES: [&[u8]; 2] = [
    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    b"http://purl.oclc.org/ooxml/wordprocessingml/main",
];

/// Markup compatibility: `mc:Fallback` repeats what `mc:Choice` holds.
const MARKUP_COMPATIBILITY: &[u8] = b"http://schemas.openxmlformats.org/markup-compatibility/2006";

/// The largest `word/document.xml` read (uncompressed); a form is a few hundred kilobytes, and
/// a ZIP bomb must not exhaust memory.
const MAX_XML_BYTES: u64 = 256 << 20;

/// A grid span or shift beyond this is taken as this: Word tables have at most 63 columns,
/// and a crafted span must not push columns towards overflow.
const MAX_SPAN: usize = 64;

/// Whether the first bytes are a Word document: a ZIP archive whose first entries name a
/// `word/` part.
pub fn looks_like_docx(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") && memchr::memmem::find(head, b"word/").is_some()
}

/// Reads every form of the document. A file that is no ZIP archive, has no `word/document.xml`
/// or whose XML is broken is one error; the forms of the whole tables before a break in the XML
/// are kept.
pub fn read_docx(bytes: &[u8]) -> Import {
    let xml = match main_part(bytes) {
        Ok(xml) => xml,
        Err(error) => return failed(*error),
    };
    let mut body = blocks(&xml);
    if body.error.is_some() {
        // What follows the last whole table is a form cut by the break: its title alone would
        // only add an error about the cut.
        let whole = body
            .blocks
            .iter()
            .rposition(|block| matches!(block, Block::Table(_)))
            .map_or(0, |last| last + 1);
        body.blocks.truncate(whole);
    }
    let mut parts = Parts::new();
    let started = push_parts(&mut parts, body.blocks);
    match body.error {
        Some(error) if !started => failed(error),
        Some(error) => {
            let mut import = parts.read("Word文档");
            import.errors.push(error);
            import
        }
        None => parts.read("Word文档"),
    }
}

fn failed(error: ImportError) -> Import {
    Import {
        errors: vec![error],
        ..Import::default()
    }
}

fn error(part: Option<&str>, line: usize, found: String, expected: &str) -> ImportError {
    ImportError {
        file: None,
        part: part.map(str::to_owned),
        line,
        found: shorten(&found),
        expected: expected.to_owned(),
        form: None,
    }
}

/// The bytes of `word/document.xml`.
fn main_part(bytes: &[u8]) -> Result<Vec<u8>, Box<ImportError>> {
    const EXPECTED: &str = "Word文档（DOCX）";
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|zip_error| {
        error(
            None,
            1,
            format!("无法打开的Word文档（{zip_error}）"),
            EXPECTED,
        )
    })?;
    let file = match archive.by_name(MAIN_PART) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => {
            return Err(Box::new(error(
                None,
                1,
                format!("没有{MAIN_PART}的ZIP文件"),
                "含word/document.xml的Word文档（DOCX）",
            )));
        }
        Err(zip_error) => {
            return Err(Box::new(error(
                None,
                1,
                format!("无法读取的{MAIN_PART}（{zip_error}）"),
                EXPECTED,
            )));
        }
    };
    let mut xml = Vec::new();
    if let Err(io_error) = file.take(MAX_XML_BYTES + 1).read_to_end(&mut xml) {
        return Err(Box::new(error(
            Some(MAIN_PART),
            1,
            format!("无法解压的{MAIN_PART}（{io_error}）"),
            EXPECTED,
        )));
    }
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err(Box::new(error(
            Some(MAIN_PART),
            1,
            format!("超过{}MB的{MAIN_PART}", MAX_XML_BYTES >> 20),
            "大小合理的Word文档",
        )));
    }
    Ok(xml)
}

/// What the body holds, in order: paragraphs outside tables, and top-level tables.
#[derive(Debug, PartialEq)]
enum Block {
    /// A paragraph of the body; `number` counts the body's paragraphs from 1.
    Paragraph { number: usize, text: String },
    /// A table, as rows.
    Table(Vec<Row<'static>>),
}

/// Adds the tables and the title and year paragraphs to `parts`; whether a form started.
fn push_parts(parts: &mut Parts<'static>, blocks: Vec<Block>) -> bool {
    let mut started = false;
    // Title and year paragraphs waiting for the table below them.
    let mut pending: Vec<Row<'static>> = Vec::new();
    let mut awaiting_year = false;
    let mut table_number = 0;
    for block in blocks {
        match block {
            Block::Paragraph { number, text } => {
                let row = Row::new(number, vec![Cell::new(0, text)]);
                if form_reader::is_title(&row) {
                    pending.push(row);
                    awaiting_year = true;
                } else if awaiting_year && row.cells.iter().any(|cell| is_year_line(&cell.text)) {
                    pending.push(row);
                    awaiting_year = false;
                }
            }
            Block::Table(rows) => {
                table_number += 1;
                awaiting_year = false;
                if !pending.is_empty() {
                    started = true;
                    parts.push("正文", std::mem::take(&mut pending));
                }
                // Once a form started, every table belongs to it or to the next one: a form
                // split over two tables goes on in a table without a title.
                if started || rows.iter().any(form_reader::may_start_form) {
                    started = true;
                    parts.push(format!("第{table_number}个表格"), rows);
                }
            }
        }
    }
    if !pending.is_empty() {
        // A title without a table: the form reader says what is missing.
        started = true;
        parts.push("正文", pending);
    }
    started
}

/// A short paragraph such as `(2024年度)`, `（２０２４年度）` or `2024 年度`.
fn is_year_line(text: &str) -> bool {
    let compact: Vec<char> = text.chars().filter(|ch| !ch.is_whitespace()).collect();
    let digits = compact
        .iter()
        .filter(|ch| ch.is_ascii_digit() || ('０'..='９').contains(*ch))
        .count();
    compact.len() <= 20 && digits >= 4 && text.contains("年度")
}

/// The body of `word/document.xml` as blocks, and the error that stopped reading it, if any.
struct Body {
    blocks: Vec<Block>,
    error: Option<ImportError>,
}

fn blocks(xml: &[u8]) -> Body {
    let mut reader = NsReader::from_reader(xml);
    reader.config_mut().expand_empty_elements = true;
    let mut walker = Walker::default();
    // Open elements, to tell a document cut short from a whole one.
    let mut depth = 0usize;
    let fail = |position: u64, found: String| {
        let end = usize::try_from(position)
            .unwrap_or(usize::MAX)
            .min(xml.len());
        let line = 1 + memchr::memchr_iter(b'\n', xml.get(..end).unwrap_or_default()).count();
        Some(error(Some(MAIN_PART), line, found, "格式正确的XML"))
    };
    let error = loop {
        let (namespace, event) = match reader.read_resolved_event() {
            Ok((namespace, event)) => (space_of(&namespace), event),
            Err(xml_error) => {
                break fail(
                    reader.error_position(),
                    format!("XML格式错误（{xml_error}）"),
                );
            }
        };
        let handled = match event {
            Event::Start(start) => {
                depth += 1;
                walker.start(namespace, &start);
                Ok(())
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                walker.end(namespace, end.local_name().as_ref());
                Ok(())
            }
            Event::Text(text) => text.xml_content().map(|text| walker.text(&text)),
            Event::CData(data) => data.decode().map(|text| walker.text(&text)),
            Event::GeneralRef(reference) => match reference.resolve_char_ref() {
                Ok(Some(character)) => {
                    walker.text(character.encode_utf8(&mut [0; 4]));
                    Ok(())
                }
                Ok(None) => match reference.decode() {
                    Ok(name) => match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(text) => {
                            walker.text(text);
                            Ok(())
                        }
                        None => {
                            break fail(
                                reader.buffer_position(),
                                format!("未定义的实体“&{name};”"),
                            );
                        }
                    },
                    Err(decode_error) => Err(decode_error),
                },
                Err(reference_error) => {
                    break fail(
                        reader.buffer_position(),
                        format!("XML格式错误（{reference_error}）"),
                    );
                }
            },
            Event::Eof if depth > 0 => {
                break fail(reader.buffer_position(), "XML在元素中途结束".to_owned());
            }
            Event::Eof => break None,
            _ => Ok(()),
        };
        if let Err(decode_error) = handled {
            break fail(
                reader.buffer_position(),
                format!("XML编码错误（{decode_error}）"),
            );
        }
    };
    Body {
        blocks: walker.blocks,
        error,
    }
}

/// Which namespace an element is in, as far as the walker cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Space {
    Word,
    MarkupCompatibility,
    Other,
}

fn space_of(namespace: &ResolveResult<'_>) -> Space {
    match namespace {
        ResolveResult::Bound(Namespace(uri)) if WORD_NAMESPACES.contains(uri) => Space::Word,
        ResolveResult::Bound(Namespace(uri)) if *uri == MARKUP_COMPATIBILITY => {
            Space::MarkupCompatibility
        }
        _ => Space::Other,
    }
}

/// The state of the walk through the body.
#[derive(Debug, Default)]
struct Walker {
    blocks: Vec<Block>,
    /// Paragraphs of the body seen so far (outside tables).
    paragraphs: usize,
    /// The top-level table being read.
    table: Option<Table>,
    /// Tables open inside the top-level one.
    nested: usize,
    /// The text of the paragraph being read.
    paragraph: Option<String>,
    /// Open `w:r` runs: tabs and breaks count only there (`w:tab` also defines tab stops).
    runs: usize,
    /// Inside `w:t`.
    in_text: bool,
    /// Open elements of a subtree that is skipped (`mc:Fallback`, a text box).
    skipped: usize,
}

#[derive(Debug, Default)]
struct Table {
    rows: Vec<Row<'static>>,
    row: Option<TableRow>,
}

#[derive(Debug)]
struct TableRow {
    line: usize,
    /// The grid column the next cell starts in.
    column: usize,
    cells: Vec<Cell<'static>>,
    cell: Option<TableCell>,
}

#[derive(Debug)]
struct TableCell {
    column: usize,
    span: usize,
    /// A merge continuation (`w:vMerge`, `w:hMerge` without `restart`): its text is the first
    /// cell's.
    continuation: bool,
    text: String,
    paragraphs: usize,
}

impl Walker {
    fn start(&mut self, space: Space, start: &BytesStart<'_>) {
        if self.skipped > 0 {
            self.skipped += 1;
            return;
        }
        let name = start.local_name();
        match (space, name.as_ref()) {
            // A fallback repeats its choice, a text box is not the table's, and a tracked move
            // leaves its text where it went (`w:moveTo`) as well as where it came from.
            (Space::MarkupCompatibility, b"Fallback")
            | (Space::Word, b"txbxContent" | b"moveFrom") => {
                self.skipped = 1;
            }
            (Space::Word, b"tbl") => match &self.table {
                None => self.table = Some(Table::default()),
                Some(_) => self.nested += 1,
            },
            (Space::Word, b"tr") if self.nested == 0 => {
                if let Some(table) = &mut self.table {
                    table.row = Some(TableRow {
                        line: table.rows.len() + 1,
                        column: 0,
                        cells: Vec::new(),
                        cell: None,
                    });
                }
            }
            (Space::Word, b"gridBefore") => {
                if let Some(row) = self.top_row()
                    && row.cell.is_none()
                    && row.cells.is_empty()
                {
                    row.column = number_value(start).unwrap_or(0).min(MAX_SPAN);
                }
            }
            (Space::Word, b"tc") => {
                if let Some(row) = self.top_row() {
                    row.cell = Some(TableCell {
                        column: row.column,
                        span: 1,
                        continuation: false,
                        text: String::new(),
                        paragraphs: 0,
                    });
                }
            }
            (Space::Word, b"gridSpan") => {
                if let Some(cell) = self.top_cell() {
                    cell.span = number_value(start).unwrap_or(1).clamp(1, MAX_SPAN);
                }
            }
            (Space::Word, b"vMerge" | b"hMerge") => {
                if let Some(cell) = self.top_cell() {
                    cell.continuation = value(start).is_none_or(|value| value != "restart");
                }
            }
            (Space::Word, b"p") => {
                self.paragraph.get_or_insert_default();
            }
            (Space::Word, b"r") => self.runs += 1,
            (Space::Word, b"t") => self.in_text = true,
            (Space::Word, b"tab") if self.runs > 0 => self.mark('\t'),
            (Space::Word, b"br" | b"cr") if self.runs > 0 => self.mark('\n'),
            _ => {}
        }
    }

    fn end(&mut self, space: Space, name: &[u8]) {
        if self.skipped > 0 {
            self.skipped -= 1;
            return;
        }
        match (space, name) {
            (Space::Word, b"tbl") if self.nested > 0 => self.nested -= 1,
            (Space::Word, b"tbl") => {
                if let Some(table) = self.table.take() {
                    self.blocks.push(Block::Table(table.rows));
                }
            }
            (Space::Word, b"tr") if self.nested == 0 => {
                if let Some(table) = &mut self.table
                    && let Some(row) = table.row.take()
                {
                    table.rows.push(Row::new(row.line, row.cells));
                }
            }
            (Space::Word, b"tc") => {
                if let Some(row) = self.top_row()
                    && let Some(cell) = row.cell.take()
                {
                    row.column = cell.column.saturating_add(cell.span);
                    if !cell.continuation && !cell.text.trim().is_empty() {
                        row.cells.push(Cell::new(cell.column, cell.text));
                    }
                }
            }
            (Space::Word, b"p") => {
                if let Some(text) = self.paragraph.take() {
                    self.paragraph_end(text);
                }
            }
            (Space::Word, b"r") => self.runs = self.runs.saturating_sub(1),
            (Space::Word, b"t") => self.in_text = false,
            _ => {}
        }
    }

    /// Text of the document: kept when it is in `w:t` (the rest is layout whitespace).
    fn text(&mut self, text: &str) {
        if self.skipped == 0
            && self.in_text
            && let Some(paragraph) = &mut self.paragraph
        {
            paragraph.push_str(text);
        }
    }

    /// A tab or a line break of a run.
    fn mark(&mut self, mark: char) {
        if let Some(paragraph) = &mut self.paragraph {
            paragraph.push(mark);
        }
    }

    fn paragraph_end(&mut self, text: String) {
        match &mut self.table {
            None => {
                self.paragraphs += 1;
                self.blocks.push(Block::Paragraph {
                    number: self.paragraphs,
                    text,
                });
            }
            Some(table) => {
                // A paragraph of a nested table belongs to the top-level cell around it.
                if let Some(cell) = table.row.as_mut().and_then(|row| row.cell.as_mut()) {
                    if cell.paragraphs > 0 {
                        cell.text.push('\n');
                    }
                    cell.text.push_str(&text);
                    cell.paragraphs += 1;
                }
            }
        }
    }

    /// The row being read of the top-level table (not of a nested one).
    fn top_row(&mut self) -> Option<&mut TableRow> {
        if self.nested > 0 {
            return None;
        }
        self.table.as_mut()?.row.as_mut()
    }

    fn top_cell(&mut self) -> Option<&mut TableCell> {
        self.top_row()?.cell.as_mut()
    }
}

/// The `w:val` attribute of an element (a number or a keyword: no entities to resolve).
fn value(start: &BytesStart<'_>) -> Option<String> {
    let attribute = start
        .attributes()
        .flatten()
        .find(|attribute| attribute.key.local_name().as_ref() == b"val")?;
    Some(String::from_utf8_lossy(&attribute.value).into_owned())
}

fn number_value(start: &BytesStart<'_>) -> Option<usize> {
    value(start)?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

    fn body(inner: &str) -> Vec<Block> {
        let xml = format!("<w:document {W}><w:body>{inner}</w:body></w:document>");
        let body = blocks(xml.as_bytes());
        assert_eq!(body.error, None);
        body.blocks
    }

    fn table_rows(inner: &str) -> Vec<Vec<(usize, String)>> {
        match body(inner).as_slice() {
            [Block::Table(rows)] => rows
                .iter()
                .map(|row| {
                    row.cells
                        .iter()
                        .map(|cell| (cell.column, cell.text.to_string()))
                        .collect()
                })
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    fn cell(properties: &str, text: &str) -> String {
        format!("<w:tc><w:tcPr>{properties}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
    }

    #[test]
    fn grid_spans_move_the_next_cell_on() {
        let rows = table_rows(&format!(
            "<w:tbl><w:tr>{}{}{}</w:tr><w:tr><w:trPr><w:gridBefore w:val=\"2\"/></w:trPr>{}</w:tr></w:tbl>",
            cell("<w:gridSpan w:val=\"2\"/>", "项目名称"),
            cell("<w:gridSpan w:val=\"3\"/>", "课题研究"),
            cell("", "x"),
            cell("", "右移"),
        ));
        assert_eq!(
            rows,
            [
                vec![
                    (0, "项目名称".into()),
                    (2, "课题研究".into()),
                    (5, "x".into())
                ],
                vec![(2, "右移".into())],
            ]
        );
    }

    #[test]
    fn vertical_merges_keep_their_text_in_the_first_row() {
        let rows = table_rows(&format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
            cell("<w:vMerge w:val=\"restart\"/>", "产出指标"),
            cell("", "a"),
            cell("<w:vMerge/>", "copied"),
            cell("", "b"),
            cell("<w:vMerge w:val=\"continue\"/>", ""),
            cell("", "c"),
        ));
        assert_eq!(
            rows,
            [
                vec![(0, "产出指标".into()), (1, "a".into())],
                vec![(1, "b".into())],
                vec![(1, "c".into())],
            ]
        );
    }

    #[test]
    fn paragraphs_tabs_breaks_and_nested_tables_make_the_cell_text() {
        let rows = table_rows(
            "<w:tbl><w:tr><w:tc>\
             <w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"100\"/></w:tabs></w:pPr>\
             <w:r><w:t xml:space=\"preserve\">a &amp; </w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c&#x4E00;</w:t></w:r></w:p>\
             <w:p/>\
             <w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"9\"/></w:tcPr><w:p><w:r><w:t>内</w:t></w:r></w:p></w:tc></w:tr></w:tbl>\
             <w:p><w:del><w:r><w:delText>删</w:delText></w:r></w:del><w:r><w:t>d</w:t></w:r>\
             <w:moveFrom><w:r><w:t>移</w:t></w:r></w:moveFrom></w:p>\
             </w:tc><w:tc><w:p><w:r><w:t>e</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
        );
        assert_eq!(
            rows,
            [vec![(0, "a & \tb\nc一\n\n内\nd".into()), (1, "e".into())]]
        );
    }

    #[test]
    fn body_paragraphs_are_numbered_apart_from_tables() {
        let blocks = body(
            "<w:p><w:r><w:t>财政项目支出绩效自评表</w:t></w:r></w:p>\
             <w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>\
             <w:p><w:r><w:t>二</w:t></w:r><mc:AlternateContent xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">\
             <mc:Choice Requires=\"wps\"><w:r><w:drawing><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent></w:drawing></w:r></mc:Choice>\
             <mc:Fallback><w:r><w:t>框</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>",
        );
        assert_eq!(
            blocks,
            [
                Block::Paragraph {
                    number: 1,
                    text: "财政项目支出绩效自评表".into()
                },
                Block::Table(vec![Row::new(1, Vec::new())]),
                Block::Paragraph {
                    number: 2,
                    text: "二".into()
                },
            ]
        );
    }

    #[test]
    fn another_prefix_for_wordprocessingml_reads_the_same() {
        let xml = "<x:document xmlns:x=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
                   <x:body><x:p><x:r><x:t>一</x:t></x:r></x:p><p><t>not word</t></p></x:body></x:document>";
        let body = blocks(xml.as_bytes());
        assert_eq!(
            body.blocks,
            [Block::Paragraph {
                number: 1,
                text: "一".into()
            }]
        );
    }

    #[test]
    fn year_lines() {
        for year in ["(2024年度)", "（２０２４年度）", " 2024 年度 "] {
            assert!(is_year_line(year), "{year}");
        }
        for other in ["填报单位：上海市城市管理行政执法局", "2024年", "年度"] {
            assert!(!is_year_line(other), "{other}");
        }
    }

    #[test]
    fn broken_xml_names_its_line() {
        let body = blocks(b"<w:document>\n<w:body>\n<w:p></w:q>");
        let error = body.error.unwrap();
        assert_eq!((error.part.as_deref(), error.line), (Some(MAIN_PART), 3));
        assert!(error.found.starts_with("XML格式错误"), "{error}");
        let body = blocks(b"<w:document>\n<w:body>");
        assert_eq!(body.error.unwrap().found, "XML在元素中途结束");
    }

    #[test]
    fn word_documents_are_told_from_other_zips() {
        assert!(looks_like_docx(b"PK\x03\x04....word/document.xml"));
        assert!(!looks_like_docx(b"PK\x03\x04....xl/workbook.xml"));
        assert!(!looks_like_docx(b"word/"));
    }

    #[test]
    fn broken_files_are_one_error() {
        let import = read_docx(b"PK\x03\x04 word/ not a zip");
        assert_eq!(import.errors.len(), 1);
        assert!(
            import.errors[0].found.starts_with("无法打开的Word文档"),
            "{:?}",
            import.errors
        );
    }
}
