//! DOCX: the official form as a Word document, one A4 page run per form.
//!
//! Drawn from `layout::layout`, like the HTML and PDF forms: per form a title paragraph, a year
//! paragraph and one table on the layout's eight-column grid, with real merges (`w:gridSpan`
//! across, `w:vMerge` restart/continue down), so that Word, WPS and LibreOffice show the form as
//! printed and the DOCX importer reads it back. Each form after the first starts a new page.
//! Text is 宋体 (SimSun), set for East Asian text too, as the published forms are.
//!
//! The package is the minimum Word needs: `[Content_Types].xml`, the relationships, `word/
//! document.xml` and `word/styles.xml`, written by hand (the XML is small and fixed), every text
//! escaped and stripped of the control characters XML 1.0 forbids. With an audit, the cells a
//! finding is about are shaded by severity and the findings are listed under the table.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use jixiao_core::finding::Severity;
use jixiao_core::rounding::two_places;
use zip::write::SimpleFileOptions;

use crate::Item;
use crate::layout::{self, COLUMN_WIDTHS, COLUMNS, Cell, Layout, Row, RowKind, Style, Value};

/// Why a Word document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// No form was given.
    #[error("没有可写入Word文档的自评表")]
    NoForms,
    /// The ZIP writer failed.
    #[error("生成 DOCX 文件失败：{0}")]
    Zip(#[from] zip::result::ZipError),
    /// Writing a part failed.
    #[error("生成 DOCX 文件失败：{0}")]
    Io(#[from] std::io::Error),
}

/// A4 portrait, in twentieths of a point.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
/// 2 cm margins.
const MARGIN: u32 = 1134;

/// The font of the forms, for Latin and East Asian text alike.
const FONT: &str = "宋体";

const WORD_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Writes the forms as one Word document, each from a new page.
pub fn document(items: &[Item<'_>]) -> Result<Vec<u8>, DocxError> {
    if items.is_empty() {
        return Err(DocxError::NoForms);
    }
    let mut body = String::new();
    for (index, item) in items.iter().enumerate() {
        let layout = layout::layout(item.form, item.audit);
        form(&mut body, &layout, index > 0);
    }
    let document_xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document xmlns:w=\"{WORD_NS}\"><w:body>{body}\
         <w:sectPr><w:pgSz w:w=\"{PAGE_WIDTH}\" w:h=\"{PAGE_HEIGHT}\"/>\
         <w:pgMar w:top=\"{MARGIN}\" w:right=\"{MARGIN}\" w:bottom=\"{MARGIN}\" w:left=\"{MARGIN}\" \
         w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>\n"
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PACKAGE_RELS),
        ("word/document.xml", document_xml.as_str()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", &styles()),
    ] {
        zip.start_file(name, options)?;
        zip.write_all(content.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// One form: its title, its year and its table, then its findings when audited.
fn form(out: &mut String, layout: &Layout, new_page: bool) {
    let page_break = if new_page { "<w:pageBreakBefore/>" } else { "" };
    let _ = write!(
        out,
        "<w:p><w:pPr><w:keepNext/>{page_break}<w:spacing w:after=\"120\"/><w:jc w:val=\"center\"/></w:pPr>{}</w:p>",
        run(
            &layout.title,
            "<w:b/><w:sz w:val=\"36\"/><w:szCs w:val=\"36\"/>"
        )
    );
    let _ = write!(
        out,
        "<w:p><w:pPr><w:keepNext/><w:spacing w:after=\"120\"/><w:jc w:val=\"center\"/></w:pPr>{}</w:p>",
        run(
            &layout.subtitle,
            "<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>"
        )
    );
    table(out, layout);
    // A paragraph after every table: Word joins two tables that touch, and a body must not end
    // with a table.
    out.push_str("<w:p/>");
    if layout.rule.is_some() {
        findings(out, layout);
    }
}

/// The column widths in twips, summing to the text width.
fn grid_widths() -> [u32; COLUMNS] {
    let text_width = PAGE_WIDTH - 2 * MARGIN;
    let sum: u32 = COLUMN_WIDTHS.iter().map(|width| u32::from(*width)).sum();
    COLUMN_WIDTHS.map(|width| text_width * u32::from(width) / sum.max(1))
}

fn table(out: &mut String, layout: &Layout) {
    let widths = grid_widths();
    let border = |side: &str| {
        format!("<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>")
    };
    let _ = write!(
        out,
        "<w:tbl><w:tblPr><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>{}{}{}{}{}{}</w:tblBorders>\
         <w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>",
        widths.iter().sum::<u32>(),
        border("top"),
        border("left"),
        border("bottom"),
        border("right"),
        border("insideH"),
        border("insideV"),
    );
    for width in widths {
        let _ = write!(out, "<w:gridCol w:w=\"{width}\"/>");
    }
    out.push_str("</w:tblGrid>");
    // Merges from above still open: (first column, columns, rows still to cover).
    let mut open: Vec<(usize, usize, usize)> = Vec::new();
    for row in &layout.rows {
        table_row(out, row, &mut open, &widths);
    }
    out.push_str("</w:tbl>");
}

/// What a grid position of a row holds.
enum Slot<'a> {
    /// A cell that starts here.
    Start(&'a Cell),
    /// The continuation of a cell merged down from above, `columns` wide.
    Continue { columns: usize },
}

fn table_row(
    out: &mut String,
    row: &Row,
    open: &mut Vec<(usize, usize, usize)>,
    widths: &[u32; COLUMNS],
) {
    let mut slots: Vec<(usize, Slot)> = row
        .cells
        .iter()
        .map(|cell| (cell.column, Slot::Start(cell)))
        .chain(
            open.iter()
                .map(|(column, columns, _)| (*column, Slot::Continue { columns: *columns })),
        )
        .collect();
    slots.sort_by_key(|(column, _)| *column);
    out.push_str("<w:tr>");
    // An indicator row is short: keep it on one page, as printed forms do.
    if matches!(row.kind, RowKind::Indicator(_)) {
        out.push_str("<w:trPr><w:cantSplit/></w:trPr>");
    }
    let mut next = 0;
    for (column, slot) in &slots {
        // A gap the layout left (it leaves none) is filled, so that the row spans the grid.
        while next < *column && next < COLUMNS {
            empty_cell(out, next, 1, "", widths);
            next += 1;
        }
        match slot {
            Slot::Start(cell) => {
                cell_xml(out, cell, widths);
                next = column + cell.colspan;
            }
            Slot::Continue { columns } => {
                empty_cell(out, *column, *columns, "<w:vMerge/>", widths);
                next = column + columns;
            }
        }
    }
    while next < COLUMNS {
        empty_cell(out, next, 1, "", widths);
        next += 1;
    }
    out.push_str("</w:tr>");
    for merge in open.iter_mut() {
        merge.2 -= 1;
    }
    open.retain(|(_, _, rows)| *rows > 0);
    open.extend(
        row.cells
            .iter()
            .filter(|cell| cell.rowspan > 1)
            .map(|cell| (cell.column, cell.colspan, cell.rowspan - 1)),
    );
}

/// The width of `columns` grid columns from `column`, and the `w:gridSpan` when more than one.
fn width_and_span(column: usize, columns: usize, widths: &[u32; COLUMNS]) -> String {
    let width: u32 = widths.iter().skip(column).take(columns.max(1)).sum();
    let mut properties = format!("<w:tcW w:w=\"{width}\" w:type=\"dxa\"/>");
    if columns > 1 {
        let _ = write!(properties, "<w:gridSpan w:val=\"{columns}\"/>");
    }
    properties
}

fn empty_cell(
    out: &mut String,
    column: usize,
    columns: usize,
    merge: &str,
    widths: &[u32; COLUMNS],
) {
    let _ = write!(
        out,
        "<w:tc><w:tcPr>{}{merge}<w:vAlign w:val=\"center\"/></w:tcPr><w:p/></w:tc>",
        width_and_span(column, columns, widths)
    );
}

fn cell_xml(out: &mut String, cell: &Cell, widths: &[u32; COLUMNS]) {
    let merge = if cell.rowspan > 1 {
        "<w:vMerge w:val=\"restart\"/>"
    } else {
        ""
    };
    let shading = match cell.severity {
        Some(severity) => format!(
            "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{}\"/>",
            fill(severity)
        ),
        None => String::new(),
    };
    let _ = write!(
        out,
        "<w:tc><w:tcPr>{}{merge}{shading}<w:vAlign w:val=\"center\"/></w:tcPr>",
        width_and_span(cell.column, cell.colspan, widths)
    );
    let (justify, run_properties) = match cell.style {
        Style::Label => ("center", "<w:b/>"),
        Style::Text => ("left", ""),
        Style::Number => ("right", ""),
        Style::Centered => ("center", ""),
    };
    let text = match &cell.value {
        Value::Text(text) => text.clone(),
        Value::Number(_) | Value::Empty => cell.display(),
    };
    // Paragraphs of running text start with the customary two-character indent (首行缩进两字,
    // 420 twips at 10.5 pt), as the PDF form has them: in a PDF made from this document, that is
    // what tells a new paragraph from a wrapped line.
    let indent = if justify == "left" && text.contains('\n') {
        "<w:ind w:firstLine=\"420\"/>"
    } else {
        ""
    };
    // One paragraph per line: the importer joins a cell's paragraphs with `\n` again.
    for line in text.split('\n') {
        let _ = write!(
            out,
            "<w:p><w:pPr>{indent}<w:jc w:val=\"{justify}\"/></w:pPr>{}</w:p>",
            run(line, run_properties)
        );
    }
    out.push_str("</w:tc>");
}

/// Excel's 差 / 适中 / note colours, as the XLSX form uses.
fn fill(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "FFC7CE",
        Severity::Warning => "FFEB9C",
        Severity::Info => "DDEBF7",
    }
}

/// The rule total and the numbered findings under an audited form.
fn findings(out: &mut String, layout: &Layout) {
    let mut lines = Vec::new();
    if let Some((total, grade)) = &layout.rule {
        lines.push((
            format!("审核：规则总分 {}，等级 {grade}", two_places(*total)),
            "<w:b/>",
        ));
    }
    if layout.findings.is_empty() {
        lines.push(("未发现问题：各项数值与规则计算一致。".to_owned(), ""));
    }
    for (index, finding) in layout.findings.iter().enumerate() {
        lines.push((
            format!(
                "{}. {}｜{}：{}（{}）",
                index + 1,
                finding.severity.label(),
                finding.place,
                finding.message,
                finding.code.as_str()
            ),
            "",
        ));
    }
    for (line, properties) in lines {
        let _ = write!(out, "<w:p>{}</w:p>", run(&line, properties));
    }
}

/// A run of text with its properties (`<w:b/>`, a size); tabs become `w:tab`, and text keeps
/// its spaces.
fn run(text: &str, properties: &str) -> String {
    let mut out = format!("<w:r><w:rPr>{properties}</w:rPr>");
    for (index, piece) in text.split('\t').enumerate() {
        if index > 0 {
            out.push_str("<w:tab/>");
        }
        if !piece.is_empty() {
            let _ = write!(out, "<w:t xml:space=\"preserve\">{}</w:t>", escape(piece));
        }
    }
    out.push_str("</w:r>");
    out
}

/// Escapes text for XML content and attributes, and drops what XML 1.0 cannot hold (control
/// characters but tab and line ends, lone surrogates cannot occur in a `str`, U+FFFE/U+FFFF).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' => out.push(character),
            '\r' | '\u{fffe}' | '\u{ffff}' => {}
            control if control.is_control() && u32::from(control) < 0x20 => {}
            other => out.push(other),
        }
    }
    out
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
</Types>\n";

const PACKAGE_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
</Relationships>\n";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
</Relationships>\n";

/// The default font (宋体 for every script, 10.5 pt: 五号) and tight paragraphs.
fn styles() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:styles xmlns:w=\"{WORD_NS}\"><w:docDefaults><w:rPrDefault><w:rPr>\
         <w:rFonts w:ascii=\"{FONT}\" w:eastAsia=\"{FONT}\" w:hAnsi=\"{FONT}\" w:cs=\"{FONT}\" w:hint=\"eastAsia\"/>\
         <w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/>\
         </w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault>\
         </w:docDefaults><w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style>\
         <w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:tblPr>\
         <w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>\
         <w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style></w:styles>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_stripped_of_what_xml_cannot_hold() {
        assert_eq!(escape("a<b>&\"c\u{1}\r\u{ffff}"), "a&lt;b&gt;&amp;&quot;c");
        assert_eq!(
            run(" x\ty ", ""),
            "<w:r><w:rPr></w:rPr><w:t xml:space=\"preserve\"> x</w:t><w:tab/><w:t xml:space=\"preserve\">y </w:t></w:r>"
        );
    }

    #[test]
    fn the_grid_fills_the_text_width() {
        let widths = grid_widths();
        let total: u32 = widths.iter().sum();
        assert!(total <= PAGE_WIDTH - 2 * MARGIN && total + 8 >= PAGE_WIDTH - 2 * MARGIN);
    }
}
