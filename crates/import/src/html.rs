//! Web pages (HTML) → the cell grid: each table of the page is a part, its rows and cells placed
//! on the grid by the HTML table model.
//!
//! The page is parsed by html5ever (through `scraper`), which repairs what browsers repair:
//! unclosed `<td>`s and `<tr>`s, stray tags, a `<table>` inside a `<p>`. A table whose cells hold
//! other tables is a layout table (government sites frame their articles that way): its own
//! cells are read like the text around tables, and the tables inside it are the parts. Every
//! other table is a part `第N个表格`, its `<tr>`s in document order (thead, tbody and tfoot as
//! they appear), each cell at the grid column that `rowspan` and `colspan` give it. A merged cell
//! carries its text once, in its first row and column, as a table extraction shows it.
//!
//! Of the text outside tables, only what the form reader needs becomes rows: the title line
//! (`…财政项目支出绩效自评表`) and the year line after it (`(2024年度)`), including those of a
//! `<caption>`; they form a part of their own, `第N个表格前的文字`, right before the table they
//! head (unless the table's own first row is the title). Menus, notes and the page's other prose
//! are left out, and so is what a reader does not see: the `<head>`, scripts, `hidden` elements,
//! LibreOffice's cell notes (`<comment>`), and `<aside>`/`<nav>` boxes (jixiao's own audited page
//! puts its 总分 check table in an `<aside>`). Footnote markers (a `<sup>` holding only a link
//! into the page, as the audited page marks its findings) are not cell text either.
//!
//! The tree is walked without recursion: html5ever nests elements as deep as the markup does.

use std::collections::HashSet;
use std::ops::Deref;

use encoding_rs::Encoding;
use scraper::{ElementRef, Html, Node};

use crate::cells::{Cell, Row, is_blank};
use crate::parts::Parts;
use crate::{Import, form_reader, text};

/// A node of the parsed page (scraper's `ego_tree::NodeRef<Node>`, named through `ElementRef`).
type NodeRef<'a> = <ElementRef<'a> as Deref>::Target;

/// How far [`declared_encoding`] looks for a `<meta charset>`, as the HTML standard's prescan.
const PRESCAN_BYTES: usize = 1024;

/// The largest `colspan` and `rowspan` the HTML standard honours.
const MAX_COLSPAN: usize = 1000;
const MAX_ROWSPAN: usize = 65534;
/// The most row spans alive at once in a table; further ones are read as spanning one row.
const MAX_LIVE_SPANS: usize = 64;

/// Whether the first bytes are a web page: after an optional byte-order mark and whitespace, the
/// text starts with `<` and holds `<html`, `<!doctype html`, `<table` or `<body`. A text layout
/// may hold `<p>` or `<br>` in its goal cells, but never starts with a tag.
pub fn looks_like_html(head: &[u8]) -> bool {
    // A UTF-16 page is recognised by its byte-order mark; its head is decoded to be read.
    let utf16 = Encoding::for_bom(head).and_then(|(encoding, bom_len)| {
        (encoding != encoding_rs::UTF_8).then(|| {
            let body = head.get(bom_len..).unwrap_or_default();
            encoding.decode_without_bom_handling(body).0.into_owned()
        })
    });
    let head = match &utf16 {
        Some(text) => text.as_bytes(),
        None => head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head),
    };
    let start = head.iter().position(|byte| !byte.is_ascii_whitespace());
    if start.and_then(|start| head.get(start)) != Some(&b'<') {
        return false;
    }
    [b"<html".as_slice(), b"<!doctype html", b"<table", b"<body"]
        .iter()
        .any(|needle| contains_ignore_case(head, needle))
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle))
}

/// Reads every form of a web page. A page without a form is one error.
pub fn read_html(bytes: &[u8]) -> Import {
    let (page_parts, had_errors) = parse(bytes);
    let mut parts = Parts::new();
    for (name, rows) in page_parts {
        parts.push(name, rows);
    }
    let mut import = parts.read("网页");
    if had_errors {
        import.warnings.insert(0, text::undecodable_bytes());
    }
    import
}

/// The parts of a page as [`read_html`] reads them, in order, each with its rows: every table
/// that shows text (`第N个表格`), and before it the title and year lines that head it
/// (`第N个表格前的文字`). For tools and tests that look at the grid.
pub fn page_parts(bytes: &[u8]) -> Vec<(String, Vec<Row<'static>>)> {
    parse(bytes).0
}

/// The page's parts, and whether some bytes could not be decoded.
fn parse(bytes: &[u8]) -> (Vec<(String, Vec<Row<'static>>)>, bool) {
    let (page, had_errors) = decode(bytes);
    let document = Html::parse_document(&page);
    (parts(blocks(document.tree.root())), had_errors)
}

/// The page's text, and whether some bytes could not be decoded: a byte-order mark decides;
/// bytes that are valid UTF-8 are UTF-8; others are read in the encoding a `<meta>` in the first
/// 1024 bytes names, else in GB18030 (which also reads the GBK and GB2312 that government sites
/// use). Valid UTF-8 wins over the meta because pages are re-encoded without their meta being
/// changed (a CMS export, a saved page), while Chinese text in GBK is practically never valid
/// UTF-8; a page declared UTF-8 that is not is read as GB18030 rather than as replacement signs.
fn decode(bytes: &[u8]) -> (String, bool) {
    if Encoding::for_bom(bytes).is_none()
        && std::str::from_utf8(bytes).is_err()
        && let Some(encoding) = declared_encoding(bytes)
        && encoding != encoding_rs::UTF_8
    {
        let (page, had_errors) = encoding.decode_without_bom_handling(bytes);
        return (page.into_owned(), had_errors);
    }
    let decoded = text::decode(bytes);
    (decoded.text, decoded.had_errors)
}

/// The encoding a `<meta charset=…>` or `<meta http-equiv="Content-Type" content="…charset=…">`
/// in the first bytes names. As in browsers, a page that says UTF-16 without a byte-order mark
/// is read as UTF-8.
fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..bytes.len().min(PRESCAN_BYTES)).unwrap_or(bytes);
    let mut rest = head;
    while let Some(at) = find_ignore_case(rest, b"<meta") {
        let tag = rest.get(at..).unwrap_or_default();
        let end = tag
            .iter()
            .position(|byte| *byte == b'>')
            .unwrap_or(tag.len());
        let tag = tag.get(..end).unwrap_or_default();
        if let Some(encoding) = charset_in(tag) {
            return Some(encoding.output_encoding());
        }
        rest = rest.get(at + 5..).unwrap_or_default();
    }
    None
}

/// The encoding named after `charset` (with `=` and optional quotes) in a tag's bytes.
fn charset_in(tag: &[u8]) -> Option<&'static Encoding> {
    let at = find_ignore_case(tag, b"charset")?;
    let value = tag.get(at + b"charset".len()..)?;
    let value = trim_ascii_start(value).strip_prefix(b"=")?;
    let value = trim_ascii_start(value);
    let value = value
        .strip_prefix(b"\"")
        .or_else(|| value.strip_prefix(b"'"))
        .unwrap_or(value);
    let end = value
        .iter()
        .position(|byte| {
            matches!(byte, b'"' | b'\'' | b';' | b'/' | b'>') || byte.is_ascii_whitespace()
        })
        .unwrap_or(value.len());
    Encoding::for_label(value.get(..end)?)
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

/// What the page shows, in order: the lines of text between tables, and the tables.
#[derive(Debug, PartialEq)]
enum Block {
    /// A line of text outside the tables (a heading, a paragraph, a line of a layout cell).
    Line(String),
    /// A table: the lines of its caption, and its rows.
    Table {
        caption: Vec<String>,
        rows: Vec<Row<'static>>,
    },
}

/// One step of [`walk`]: entering a node, or leaving it after its children.
enum Step<'a> {
    Open(NodeRef<'a>),
    Close(NodeRef<'a>),
}

/// Visits `root` and its descendants depth first, without recursion. `visit` returns, for an
/// `Open` step, whether to go into the node's children; a node not gone into is closed at once.
fn walk<'a>(root: NodeRef<'a>, mut visit: impl FnMut(Step<'a>) -> bool) {
    let mut node = root;
    loop {
        if visit(Step::Open(node))
            && let Some(child) = node.first_child()
        {
            node = child;
            continue;
        }
        loop {
            visit(Step::Close(node));
            if node.id() == root.id() {
                return;
            }
            if let Some(sibling) = node.next_sibling() {
                node = sibling;
                break;
            }
            match node.parent() {
                Some(parent) => node = parent,
                None => return,
            }
        }
    }
}

fn element<'a>(node: &NodeRef<'a>) -> Option<&'a scraper::node::Element> {
    node.value().as_element()
}

fn is_named(node: &NodeRef<'_>, name: &str) -> bool {
    element(node).is_some_and(|element| element.name() == name)
}

/// Whether a node and its children are not shown on the page, or not part of its content.
fn is_unseen(node: &NodeRef<'_>) -> bool {
    match node.value() {
        Node::Element(element) => {
            matches!(
                element.name(),
                "head"
                    | "script"
                    | "style"
                    | "template"
                    | "noscript"
                    | "title"
                    | "iframe"
                    | "object"
                    | "svg"
                    | "math"
                    | "select"
                    | "aside"
                    | "nav"
                    // LibreOffice writes a cell's note there, hidden by its stylesheet.
                    | "comment"
            ) || element.attr("hidden").is_some()
                || element.attr("style").is_some_and(hides)
                || (element.name() == "sup" && is_footnote_marker(node))
        }
        Node::Text(_) | Node::Document | Node::Fragment => false,
        _ => true,
    }
}

/// Whether an inline style hides the element (`display: none`).
fn hides(style: &str) -> bool {
    let compact: String = style
        .chars()
        .filter(|ch| !ch.is_whitespace())
        .map(|ch| ch.to_ascii_lowercase())
        .collect();
    compact.contains("display:none")
}

/// Whether a `<sup>` is a footnote marker: all its text is inside links into the page
/// (`<sup><a href="#f-1">1</a></sup>`). A `<sup>` of a unit (m<sup>2</sup>) is text.
fn is_footnote_marker(sup: &NodeRef<'_>) -> bool {
    // A marker is a few nodes; a `<sup>` with more is text, and is not searched further.
    const MAX_NODES: usize = 16;
    let mut has_link_text = false;
    for node in sup.descendants().skip(1).take(MAX_NODES + 1) {
        let Some(text) = node.value().as_text() else {
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let in_link = node
            .ancestors()
            .take_while(|ancestor| ancestor.id() != sup.id())
            .any(|ancestor| {
                element(&ancestor).is_some_and(|element| {
                    element.name() == "a"
                        && element
                            .attr("href")
                            .is_some_and(|href| href.starts_with('#'))
                })
            });
        if !in_link {
            return false;
        }
        has_link_text = true;
    }
    has_link_text && sup.descendants().nth(MAX_NODES + 1).is_none()
}

/// Whether an element starts a new line where it starts and ends, as a browser lays it out.
fn breaks_line(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "main"
            | "address"
            | "figure"
            | "figcaption"
            | "hr"
            | "center"
            | "form"
            | "fieldset"
            | "legend"
            | "details"
            | "summary"
            | "table"
            | "caption"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
    )
}

/// Text as a browser shows it: runs of spaces, tabs and line ends are one space (except in
/// `<pre>`), `&nbsp;` is a space, block boundaries and `<br>` end a line; lines are trimmed and
/// empty ones dropped.
#[derive(Debug, Default)]
struct Text {
    text: String,
    /// Depth of `<pre>` elements around the text being read.
    pre: usize,
}

impl Text {
    fn push(&mut self, text: &str) {
        for ch in text.chars() {
            match ch {
                '\n' if self.pre > 0 => self.text.push('\n'),
                ' ' | '\t' | '\n' | '\r' | '\u{c}' | '\u{a0}' => {
                    // A run of them is one space, except in `<pre>`; `take_lines` trims.
                    if self.pre > 0 || !self.text.ends_with(' ') {
                        self.text.push(' ');
                    }
                }
                other => self.text.push(other),
            }
        }
    }

    fn line_break(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    fn open(&mut self, name: &str) {
        if breaks_line(name) {
            self.line_break();
        }
        if name == "pre" {
            self.pre += 1;
        }
    }

    fn close(&mut self, name: &str) {
        if breaks_line(name) {
            self.line_break();
        }
        if name == "pre" {
            self.pre = self.pre.saturating_sub(1);
        }
    }

    /// The lines shown, trimmed, without empty ones; the text is emptied.
    fn take_lines(&mut self) -> Vec<String> {
        let lines = self
            .text
            .split('\n')
            .map(|line| line.trim_matches(' '))
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        self.text.clear();
        lines
    }
}

/// The page as lines of text and tables, in document order.
fn blocks(root: NodeRef<'_>) -> Vec<Block> {
    // Layout tables: those holding another table that shows, found in one pass before the page
    // is read (a table hidden in a cell does not make a form a layout table).
    let mut open_tables = Vec::new();
    let mut layout = HashSet::new();
    walk(root, |step| {
        match step {
            Step::Open(node) if is_unseen(&node) => return false,
            Step::Open(node) if is_named(&node, "table") => {
                if let Some(outer) = open_tables.last() {
                    layout.insert(*outer);
                }
                open_tables.push(node.id());
            }
            Step::Close(node) if is_named(&node, "table") && !is_unseen(&node) => {
                open_tables.pop();
            }
            _ => {}
        }
        true
    });
    let mut blocks = Vec::new();
    let mut prose = Text::default();
    walk(root, |step| match step {
        Step::Open(node) => {
            if is_unseen(&node) {
                return false;
            }
            if let Some(text) = node.value().as_text() {
                prose.push(text);
                return false;
            }
            let Some(element) = element(&node) else {
                return true;
            };
            if element.name() == "table" && !layout.contains(&node.id()) {
                blocks.extend(prose.take_lines().into_iter().map(Block::Line));
                blocks.push(table(node));
                return false;
            }
            prose.open(element.name());
            true
        }
        Step::Close(node) => {
            if let Some(element) = element(&node) {
                prose.close(element.name());
            }
            true
        }
    });
    blocks.extend(prose.take_lines().into_iter().map(Block::Line));
    blocks
}

/// A cell spanning rows below its own: the columns it covers, up to the row it ends before.
#[derive(Debug, Clone, Copy)]
struct Span {
    from: usize,
    to: usize,
    until_row: usize,
}

/// The rows of a table that holds no other table, placed on the grid by the HTML table model:
/// a cell's column is the first one, from where the row's previous cell ends, that no cell
/// above covers with its `rowspan`; `colspan` moves the next cell right. Spans end with their
/// row group (thead, tbody, tfoot), as in the standard.
fn table(table: NodeRef<'_>) -> Block {
    let mut caption = Text::default();
    let mut in_caption = false;
    let mut rows: Vec<Row<'static>> = Vec::new();
    // The row being read, the next free column in it, and the spans from rows above.
    let mut row: Option<Vec<Cell<'static>>> = None;
    let mut column = 0;
    let mut spans: Vec<Span> = Vec::new();
    let mut cell_text: Option<(usize, Text)> = None;
    walk(table, |step| match step {
        Step::Open(node) => {
            if is_unseen(&node) {
                return false;
            }
            if let Some(text) = node.value().as_text() {
                match (&mut cell_text, in_caption) {
                    (Some((_, cell)), _) => cell.push(text),
                    (None, true) => caption.push(text),
                    // Text between cells is not shown in the table; a browser moves it out
                    // (html5ever already has).
                    (None, false) => {}
                }
                return false;
            }
            let Some(element) = element(&node) else {
                return true;
            };
            match element.name() {
                "caption" => in_caption = true,
                "thead" | "tbody" | "tfoot" => spans.clear(),
                "tr" => {
                    let index = rows.len();
                    spans.retain(|span| span.until_row > index);
                    row = Some(Vec::new());
                    column = 0;
                }
                "td" | "th" if row.is_some() && cell_text.is_none() => {
                    let index = rows.len();
                    while let Some(span) = spans
                        .iter()
                        .find(|span| span.from <= column && column < span.to)
                    {
                        column = span.to;
                    }
                    let colspan = span_attr(element.attr("colspan"), MAX_COLSPAN).max(1);
                    let rowspan = match span_attr(element.attr("rowspan"), MAX_ROWSPAN) {
                        // rowspan="0" spans the rest of the row group.
                        0 => MAX_ROWSPAN,
                        rowspan => rowspan,
                    };
                    let to = column.saturating_add(colspan);
                    // Forms have a few live row spans; a cap keeps a page of thousands from
                    // making every cell rescan them all (beyond it a cell spans one row).
                    if rowspan > 1 && spans.len() < MAX_LIVE_SPANS {
                        spans.push(Span {
                            from: column,
                            to,
                            until_row: index.saturating_add(rowspan),
                        });
                    }
                    cell_text = Some((column, Text::default()));
                    column = to;
                }
                name => {
                    if let Some((_, cell)) = &mut cell_text {
                        cell.open(name);
                    } else if in_caption {
                        caption.open(name);
                    }
                }
            }
            true
        }
        Step::Close(node) => {
            let Some(element) = element(&node) else {
                return true;
            };
            match element.name() {
                "caption" => in_caption = false,
                "tr" => {
                    if let Some(cells) = row.take() {
                        rows.push(Row::new(rows.len() + 1, cells));
                    }
                }
                "td" | "th" => {
                    if let (Some((at, mut cell)), Some(cells)) = (cell_text.take(), &mut row) {
                        let text = cell.take_lines().join("\n");
                        if !is_blank(&text) {
                            cells.push(Cell::new(at, text));
                        }
                    }
                }
                name => {
                    if let Some((_, cell)) = &mut cell_text {
                        cell.close(name);
                    } else if in_caption {
                        caption.close(name);
                    }
                }
            }
            true
        }
    });
    Block::Table {
        caption: caption.take_lines(),
        rows,
    }
}

/// A `colspan` or `rowspan` value: leading digits as browsers read them (`"2"`, `" 3px"`),
/// 1 when missing or unreadable, at most `max`.
fn span_attr(value: Option<&str>, max: usize) -> usize {
    let Some(value) = value else {
        return 1;
    };
    let digits: String = value
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .take(8)
        .collect();
    digits.parse().map_or(1, |number: usize| number.min(max))
}

/// The blocks as the parts of the document: each table that shows text, and before it the title
/// and year lines that head it.
fn parts(blocks: Vec<Block>) -> Vec<(String, Vec<Row<'static>>)> {
    let mut parts = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    let mut tables = 0;
    for block in blocks {
        match block {
            Block::Line(line) => lines.push(line),
            Block::Table { caption, rows } => {
                tables += 1;
                lines.extend(caption);
                let heading = heading_rows(&lines);
                if !heading.is_empty() && !has_own_title(&rows) {
                    parts.push((format!("第{tables}个表格前的文字"), heading));
                }
                lines.clear();
                if !rows.iter().all(Row::is_blank) {
                    let rows = crate::cells::without_helper_columns(rows);
                    parts.push((format!("第{tables}个表格"), rows));
                }
            }
        }
    }
    let heading = heading_rows(&lines);
    if !heading.is_empty() {
        let name = if tables == 0 {
            "网页正文"
        } else {
            "最后一个表格后的文字"
        };
        parts.push((name.to_owned(), heading));
    }
    parts
}

/// Whether a table's first row with text holds the title: the table heads itself, and a title
/// above it is the same one again (a page's heading over a table exported with its title row).
fn has_own_title(rows: &[Row]) -> bool {
    rows.iter().find(|row| !row.is_blank()).is_some_and(|row| {
        row.non_empty().any(|cell| {
            let compact: String = cell.text.split_whitespace().collect();
            compact.contains(form_reader::TITLE)
        })
    })
}

/// The lines the form reader needs, as one-cell rows numbered by their line among `lines`: a
/// title (what the reader takes for the start of a form), and a year line (`(2024年度)`) after
/// a title.
fn heading_rows(lines: &[String]) -> Vec<Row<'static>> {
    let mut rows = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let row = Row::new(index + 1, vec![Cell::new(0, line.clone())]);
        if form_reader::may_start_form(&row) || (!rows.is_empty() && is_year_line(line)) {
            rows.push(row);
        }
    }
    rows
}

/// Whether a line is a short one naming a year (`(2024年度)`, `（2024 年度）`).
fn is_year_line(line: &str) -> bool {
    const MAX_CHARS: usize = 16;
    let compact: String = line.chars().filter(|ch| !ch.is_whitespace()).collect();
    compact.contains("年度")
        && compact.chars().count() <= MAX_CHARS
        && compact
            .chars()
            .any(|ch| ch.is_ascii_digit() || ('０'..='９').contains(&ch))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table's rows, each as (line, [(column, text)]).
    type Grid = Vec<(usize, Vec<(usize, String)>)>;

    /// The rows of the page's tables.
    fn grids(page: &str) -> Vec<Grid> {
        let document = Html::parse_document(page);
        blocks(document.tree.root())
            .into_iter()
            .filter_map(|block| match block {
                Block::Table { rows, .. } => Some(
                    rows.into_iter()
                        .map(|row| {
                            let cells = row
                                .cells
                                .into_iter()
                                .map(|cell| (cell.column, cell.text.into_owned()))
                                .collect();
                            (row.line, cells)
                        })
                        .collect(),
                ),
                Block::Line(_) => None,
            })
            .collect()
    }

    fn row(line: usize, cells: &[(usize, &str)]) -> (usize, Vec<(usize, String)>) {
        let cells = cells
            .iter()
            .map(|(column, text)| (*column, (*text).to_owned()))
            .collect();
        (line, cells)
    }

    #[test]
    fn rowspans_push_later_cells_right_and_colspans_move_the_next_cell() {
        let page = "<table>\
            <tr><td rowspan=3>资金</td><td colspan=2>预算</td><td>执行</td></tr>\
            <tr><td>年初</td><td>全年</td><td>40</td></tr>\
            <tr><td rowspan=2>拨款</td><td>1</td><td>2</td></tr>\
            <tr><td>x</td><td>y</td><td>z</td></tr>\
            </table>";
        assert_eq!(
            grids(page),
            [vec![
                row(1, &[(0, "资金"), (1, "预算"), (3, "执行")]),
                row(2, &[(1, "年初"), (2, "全年"), (3, "40")]),
                // Column 0 is covered by 资金 (rows 1–3).
                row(3, &[(1, "拨款"), (2, "1"), (3, "2")]),
                // Column 1 is covered by 拨款 (rows 3–4); 资金 has ended.
                row(4, &[(0, "x"), (2, "y"), (3, "z")]),
            ]]
        );
    }

    #[test]
    fn a_rowspan_in_the_middle_and_one_that_ends_with_its_row_group() {
        let page = "<table><thead><tr><th>a</th><th rowspan=5>b</th><th>c</th></tr></thead>\
            <tbody><tr><td>d</td><td>e</td></tr>\
            <tr><td rowspan=0>f</td><td>g</td></tr><tr><td>h</td></tr></tbody></table>";
        assert_eq!(
            grids(page),
            [vec![
                row(1, &[(0, "a"), (1, "b"), (2, "c")]),
                // b's span ends with the thead.
                row(2, &[(0, "d"), (1, "e")]),
                row(3, &[(0, "f"), (1, "g")]),
                // rowspan="0": f covers column 0 to the end of the tbody.
                row(4, &[(1, "h")]),
            ]]
        );
    }

    #[test]
    fn empty_cells_take_their_place_and_empty_rows_stay() {
        let page = "<table><tr><td></td><td> &nbsp; </td><td>c</td></tr><tr></tr>\
            <tr><td colspan=\"2\">d</td><td>e</td></tr></table>";
        assert_eq!(
            grids(page),
            [vec![
                row(1, &[(2, "c")]),
                row(2, &[]),
                row(3, &[(0, "d"), (2, "e")])
            ]]
        );
    }

    #[test]
    fn cell_text_is_what_a_browser_shows() {
        let page = "<table><tr><td>  甲\n  乙 <b>丙</b>&nbsp;丁<br>戊<p>己</p><div><p>庚</p></div>\
            <sup><a href=\"#f-1\">1</a></sup>m<sup>2</sup><script>x</script>\
            <span hidden>隐</span><span style=\"DISPLAY: none\">藏</span></td></tr></table>";
        assert_eq!(
            grids(page),
            [vec![row(1, &[(0, "甲 乙 丙 丁\n戊\n己\n庚\nm2")])]]
        );
        let pre = "<table><tr><td><pre>a  b\nc</pre></td></tr></table>";
        assert_eq!(grids(pre), [vec![row(1, &[(0, "a  b\nc")])]]);
    }

    #[test]
    fn a_layout_table_is_read_as_text_around_its_tables() {
        let page = "<table><tr><td><h1>财政项目支出绩效自评表</h1>\
            <table><tr><td>项目名称</td><td>课题</td></tr></table></td></tr></table>";
        let document = Html::parse_document(page);
        let blocks = blocks(document.tree.root());
        assert_eq!(
            blocks,
            [
                Block::Line("财政项目支出绩效自评表".to_owned()),
                Block::Table {
                    caption: Vec::new(),
                    rows: vec![Row::new(
                        1,
                        vec![Cell::new(0, "项目名称"), Cell::new(1, "课题")]
                    )]
                }
            ]
        );
    }

    #[test]
    fn a_hidden_table_in_a_cell_does_not_make_a_layout_table() {
        let page = "<table><tr><td>项目名称</td><td>课题\
            <div hidden><table><tr><td>隐</td></tr></table></div></td></tr></table>";
        assert_eq!(grids(page), [vec![row(1, &[(0, "项目名称"), (1, "课题")])]]);
    }

    #[test]
    fn row_spans_beyond_the_live_limit_span_one_row() {
        // Every cell spans the rest of the table: beyond the limit they take one row each.
        let rows = "<tr><td rowspan=0>x</td></tr>".repeat(MAX_LIVE_SPANS + 2);
        let grid = grids(&format!("<table>{rows}</table>")).remove(0);
        assert_eq!(grid.len(), MAX_LIVE_SPANS + 2);
        assert_eq!(
            grid[MAX_LIVE_SPANS - 1],
            row(MAX_LIVE_SPANS, &[(MAX_LIVE_SPANS - 1, "x")])
        );
        assert_eq!(
            grid[MAX_LIVE_SPANS],
            row(MAX_LIVE_SPANS + 1, &[(MAX_LIVE_SPANS, "x")])
        );
        assert_eq!(
            grid[MAX_LIVE_SPANS + 1],
            row(MAX_LIVE_SPANS + 2, &[(MAX_LIVE_SPANS, "x")])
        );
    }

    #[test]
    fn huge_spans_and_deep_nesting_do_not_hurt() {
        let page = "<table><tr><td colspan=999999999 rowspan=99999999>a</td><td>b</td></tr>\
            <tr><td>c</td></tr></table>";
        assert_eq!(
            grids(page),
            [vec![
                row(1, &[(0, "a"), (MAX_COLSPAN, "b")]),
                row(2, &[(MAX_COLSPAN, "c")])
            ]]
        );
        let deep = "<div>".repeat(3_000) + "<table><tr><td>x</td></tr></table>";
        assert_eq!(grids(&deep), [vec![row(1, &[(0, "x")])]]);
        let tables = "<table><tr><td>".repeat(300) + "x";
        assert_eq!(grids(&tables), [vec![row(1, &[(0, "x")])]]);
    }

    #[test]
    fn pages_are_told_from_text_layouts() {
        assert!(looks_like_html(b"<!DOCTYPE html><html>"));
        assert!(looks_like_html(b"\xef\xbb\xbf\n  <HTML><body>"));
        assert!(looks_like_html(b"<!-- saved -->\n<Table border=1>"));
        assert!(looks_like_html(b"<meta charset=gbk><body>"));
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("<html>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert!(looks_like_html(&utf16));
        assert!(!looks_like_html(
            "财政项目支出绩效自评表\n<p>目标</p><table>".as_bytes()
        ));
        assert!(!looks_like_html(b"<p>just a paragraph</p>"));
        assert!(!looks_like_html(b""));
    }

    #[test]
    fn the_encoding_is_the_bom_then_utf8_then_the_meta_then_gb18030() {
        let (gbk, _, _) = encoding_rs::GBK.encode("<p>财政</p>");
        let declared = [b"<meta charset=\"gb2312\">".as_slice(), &gbk].concat();
        assert_eq!(decode(&declared).0, "<meta charset=\"gb2312\"><p>财政</p>");
        let http_equiv = [
            b"<META HTTP-EQUIV=Content-Type CONTENT='text/html; charset=GBK'>".as_slice(),
            &gbk,
        ]
        .concat();
        assert!(decode(&http_equiv).0.ends_with("<p>财政</p>"));
        // No declaration: not UTF-8, so GB18030.
        assert_eq!(decode(&gbk), ("<p>财政</p>".to_owned(), false));
        // A BOM wins over the meta.
        let bom = "\u{feff}<meta charset=gbk><p>财政</p>".as_bytes();
        assert_eq!(decode(bom).0, "<meta charset=gbk><p>财政</p>");
        // Valid UTF-8 is UTF-8, whatever the meta says.
        let utf8 = "<meta charset=gb2312><p>财政</p>".as_bytes();
        assert_eq!(decode(utf8).0, "<meta charset=gb2312><p>财政</p>");
        // A meta that names another encoding is read in it: Big5 here.
        let (big5, _, _) = encoding_rs::BIG5.encode("<p>財政</p>");
        let declared_big5 = [b"<meta charset=big5>".as_slice(), &big5].concat();
        assert_eq!(decode(&declared_big5).0, "<meta charset=big5><p>財政</p>");
        // A page that says UTF-8 (or UTF-16, which browsers take for UTF-8) and is not, is GB18030.
        let utf16 = [b"<meta charset=utf-16>".as_slice(), &gbk].concat();
        assert_eq!(decode(&utf16).0, "<meta charset=utf-16><p>财政</p>");
        assert_eq!(
            declared_encoding(b"<meta name=x><meta charset=bogus>"),
            None
        );
    }

    #[test]
    fn spans_are_read_as_browsers_read_them() {
        assert_eq!(span_attr(None, 1000), 1);
        assert_eq!(span_attr(Some("2"), 1000), 2);
        assert_eq!(span_attr(Some(" 3px"), 1000), 3);
        assert_eq!(span_attr(Some("x"), 1000), 1);
        assert_eq!(span_attr(Some("0"), 1000), 0);
        assert_eq!(span_attr(Some("123456789012"), 1000), 1000);
    }

    #[test]
    fn headings_become_a_part_before_their_table_unless_it_has_its_own_title() {
        let names = |page: &str| -> Vec<String> {
            page_parts(page.as_bytes())
                .into_iter()
                .map(|(name, _)| name)
                .collect()
        };
        let table = "<table><tr><td>项目名称<td>课题</table>";
        let titled = "<table><tr><td>财政项目支出绩效自评表<tr><td>(2024年度)</table>";
        let heading = "<h1>财政项目支出绩效自评表</h1><p>(2024年度)</p>";
        assert_eq!(
            names(&format!(
                "<body>{heading}{table}<p>注</p>{heading}<table><caption>附表</caption></table>{heading}"
            )),
            [
                "第1个表格前的文字",
                "第1个表格",
                // A heading over an empty table is still read (and found without its form).
                "第2个表格前的文字",
                "最后一个表格后的文字"
            ]
        );
        assert_eq!(names(&format!("<body>{heading}{titled}")), ["第1个表格"]);
        assert_eq!(names(&format!("<body>{heading}")), ["网页正文"]);
        let parts = page_parts(format!("<body><p>首页</p>{heading}{table}").as_bytes());
        let lines: Vec<usize> = parts[0].1.iter().map(|row| row.line).collect();
        assert_eq!(lines, [2, 3]);
    }

    #[test]
    fn only_title_and_year_lines_head_a_table() {
        let lines = [
            "首页 > 政务公开",
            "(2023年度)",
            "2024年度城管执法财政项目支出绩效自评表",
            "（2024 年度）",
            "单位：万元",
        ]
        .map(str::to_owned);
        let rows = heading_rows(&lines);
        let kept: Vec<(usize, &str)> = rows
            .iter()
            .map(|row| (row.line, row.cells[0].text.as_ref()))
            .collect();
        assert_eq!(
            kept,
            [
                (3, "2024年度城管执法财政项目支出绩效自评表"),
                (4, "（2024 年度）")
            ]
        );
    }
}
