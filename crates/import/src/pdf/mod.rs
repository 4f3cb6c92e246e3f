//! PDF documents → the cell grid, page by page.
//!
//! hayro-interpret runs each page's content stream and hands every glyph (with its Unicode text,
//! from the font's ToUnicode map, encoding or predefined CMap) and every path to [`device`];
//! [`layout`] rebuilds the tables from the ruling lines and puts the glyphs in their cells. Each
//! page is a part `第N页`: the blank row between two pages is the page break the form reader
//! uses to join a table row that a page cut in two.
//!
//! A PDF that cannot be opened (broken, encrypted with a password) is one error; a page without
//! text (a scan) is one error naming the page, and the other pages are still read.

mod device;
mod layout;

use hayro_interpret::hayro_syntax::{LoadPdfError, Pdf};
use hayro_interpret::util::TransformExt;
use hayro_interpret::{Context, InterpreterCache, InterpreterSettings, interpret_page};

use crate::cells::Row;
use crate::parts::Parts;
use crate::{Import, ImportError, ImportWarning};

/// Whether the first bytes are a PDF: `%PDF-` within the first 1024 bytes (some writers put
/// junk before it, which readers accept).
pub fn looks_like_pdf(head: &[u8]) -> bool {
    let head = head.get(..head.len().min(1024)).unwrap_or(head);
    memchr::memmem::find(head, b"%PDF-").is_some()
}

/// Reads every form of the document.
pub fn read_pdf(bytes: &[u8]) -> Import {
    let pages = match pages(bytes) {
        Ok(pages) => pages,
        Err(error) => {
            return Import {
                errors: vec![*error],
                ..Import::default()
            };
        }
    };
    let mut parts = Parts::new();
    let mut unreadable = Vec::new();
    let mut doubts = Vec::new();
    for (number, page) in pages.into_iter().enumerate() {
        let name = format!("第{}页", number + 1);
        match page {
            Page::Rows {
                rows,
                unmapped,
                truncated,
            } => {
                if unmapped > 0 {
                    doubts.push((
                        name.clone(),
                        format!(
                            "{unmapped}个字符无法转换为文字（字体缺少Unicode映射），所在单元格可能缺字"
                        ),
                    ));
                }
                if truncated {
                    doubts.push((
                        name.clone(),
                        format!("页面内容过多，只读取了前{}个字符", device::MAX_GLYPHS),
                    ));
                }
                parts.push(name, rows);
            }
            Page::NoText { images, unmapped } => {
                let found = if unmapped > 0 {
                    format!("{unmapped}个字符无法转换为文字（字体缺少Unicode映射）")
                } else if images > 0 {
                    "只有图片、没有文字的页面（扫描件？）".to_owned()
                } else {
                    "空白页".to_owned()
                };
                unreadable.push((name, found));
            }
        }
    }
    let mut import = if parts.is_empty() {
        Import::default()
    } else {
        parts.read("PDF文档")
    };
    for (name, message) in doubts {
        import.warnings.push(ImportWarning {
            file: None,
            part: Some(name),
            line: 1,
            message,
            form: None,
        });
    }
    // Blank pages between forms are normal; pages of images or unmapped glyphs lose text.
    for (name, found) in unreadable {
        if found == "空白页" && !import.forms.is_empty() {
            continue;
        }
        import.errors.push(ImportError {
            file: None,
            part: Some(name),
            line: 1,
            found,
            expected: "带文字的页面（扫描件需先经文字识别）".to_owned(),
            form: None,
        });
    }
    if import.forms.is_empty() && import.errors.is_empty() {
        import.errors.push(no_form("PDF文档中没有页面"));
    }
    import
}

/// What one page gave.
enum Page {
    /// The page's rows; glyphs without Unicode, and whether glyphs beyond the limit were dropped.
    Rows {
        rows: Vec<Row<'static>>,
        unmapped: usize,
        truncated: bool,
    },
    /// No glyph with text: a scan, a page of outlines, or a font without Unicode.
    NoText { images: usize, unmapped: usize },
}

/// Every page of the document as rows, or why it cannot be opened.
fn pages(bytes: &[u8]) -> Result<Vec<Page>, Box<ImportError>> {
    let pdf = Pdf::new(bytes.to_vec()).map_err(|error| {
        let found = match error {
            LoadPdfError::Decryption(reason) => format!("加密的PDF（{reason:?}）"),
            LoadPdfError::Invalid => "损坏或无法解析的PDF".to_owned(),
        };
        Box::new(ImportError {
            file: None,
            part: None,
            line: 1,
            found,
            expected: "可打开、未加密的PDF文档".to_owned(),
            form: None,
        })
    })?;
    let cache = InterpreterCache::new();
    let mut pages = Vec::new();
    for page in pdf.pages().iter() {
        let (width, height) = page.render_dimensions();
        let mut context = Context::new(
            page.initial_transform(true).to_kurbo(),
            kurbo::Rect::new(0.0, 0.0, f64::from(width), f64::from(height)),
            &cache,
            page.xref(),
            InterpreterSettings::default(),
        );
        let mut drawing = device::Drawing {
            height: f64::from(height),
            ..device::Drawing::default()
        };
        interpret_page(page, &mut context, &mut drawing);
        if drawing.glyphs.is_empty() {
            pages.push(Page::NoText {
                images: drawing.images,
                unmapped: drawing.unmapped,
            });
        } else {
            pages.push(Page::Rows {
                rows: layout::rows(&drawing),
                unmapped: drawing.unmapped,
                truncated: drawing.truncated,
            });
        }
    }
    Ok(pages)
}

fn no_form(found: &str) -> ImportError {
    ImportError {
        file: None,
        part: None,
        line: 1,
        found: found.to_owned(),
        expected: "含“财政项目支出绩效自评表”的PDF".to_owned(),
        form: None,
    }
}

/// A glyph's text with compatibility code points folded: some writers (Chromium's print to
/// PDF) map CJK characters to Kangxi radicals (一 → U+2F00) or CJK radical supplements
/// (门 → U+2ED4), which look the same but are other characters.
fn normalize(text: &str) -> String {
    text.chars().map(fold_radical).collect()
}

/// The NFKC forms of the Kangxi radicals U+2F00–U+2FD5, in order.
const KANGXI: &str = "一丨丶丿乙亅二亠人儿入八冂冖冫几凵刀力勹匕匚匸十卜卩厂厶又口囗土士夂夊夕大女子宀寸小尢尸屮山巛工己巾干幺广廴廾弋弓彐彡彳心戈戶手支攴文斗斤方无日曰月木欠止歹殳毋比毛氏气水火爪父爻爿片牙牛犬玄玉瓜瓦甘生用田疋疒癶白皮皿目矛矢石示禸禾穴立竹米糸缶网羊羽老而耒耳聿肉臣自至臼舌舛舟艮色艸虍虫血行衣襾見角言谷豆豕豸貝赤走足身車辛辰辵邑酉釆里金長門阜隶隹雨靑非面革韋韭音頁風飛食首香馬骨高髟鬥鬯鬲鬼魚鳥鹵鹿麥麻黃黍黑黹黽鼎鼓鼠鼻齊齒龍龜龠";

/// The CJK radical supplements that stand for a whole character (NFKC folds only two of them).
const SUPPLEMENT: &[(char, char)] = &[
    ('\u{2E9F}', '母'),
    ('\u{2EA0}', '民'),
    ('\u{2EAE}', '竹'),
    ('\u{2EC4}', '西'),
    ('\u{2EC5}', '见'),
    ('\u{2EC6}', '角'),
    ('\u{2EC8}', '讠'),
    ('\u{2EC9}', '贝'),
    ('\u{2ECA}', '足'),
    ('\u{2ECB}', '车'),
    ('\u{2ED0}', '钅'),
    ('\u{2ED1}', '長'),
    ('\u{2ED3}', '长'),
    ('\u{2ED4}', '门'),
    ('\u{2ED7}', '雨'),
    ('\u{2ED8}', '青'),
    ('\u{2ED9}', '韦'),
    ('\u{2EDA}', '页'),
    ('\u{2EDB}', '风'),
    ('\u{2EDC}', '飞'),
    ('\u{2EDD}', '食'),
    ('\u{2EE0}', '饣'),
    ('\u{2EE2}', '马'),
    ('\u{2EE3}', '骨'),
    ('\u{2EE4}', '鬼'),
    ('\u{2EE5}', '鱼'),
    ('\u{2EE6}', '鸟'),
    ('\u{2EE7}', '卤'),
    ('\u{2EE8}', '麦'),
    ('\u{2EE9}', '黄'),
    ('\u{2EEA}', '黾'),
    ('\u{2EEC}', '齐'),
    ('\u{2EEE}', '齿'),
    ('\u{2EF0}', '龙'),
    ('\u{2EF3}', '龟'),
];

fn fold_radical(ch: char) -> char {
    match u32::from(ch) {
        code @ 0x2F00..=0x2FD5 => KANGXI.chars().nth((code - 0x2F00) as usize).unwrap_or(ch),
        0x2E80..=0x2EF3 => SUPPLEMENT
            .iter()
            .find(|(radical, _)| *radical == ch)
            .map_or(ch, |(_, full)| *full),
        _ => ch,
    }
}

/// Whether a line of text outside the tables is a page number: `第 2 页`, `第1页 共3页`,
/// `- 2 -`, `2/3`, `Page 2`.
fn is_page_number(text: &str) -> bool {
    let squeezed: String = text
        .chars()
        .filter(|ch| !ch.is_whitespace() && !matches!(ch, '，' | ',' | '、'))
        .collect();
    let digits = |text: &str| !text.is_empty() && text.chars().all(|ch| ch.is_ascii_digit());
    // `第N页`, optionally followed or preceded by `共M页`.
    let page = |text: &str| {
        text.strip_prefix('第')
            .and_then(|rest| rest.strip_suffix('页'))
            .is_some_and(digits)
    };
    let total = |text: &str| {
        text.strip_prefix('共')
            .and_then(|rest| rest.strip_suffix('页'))
            .is_some_and(digits)
    };
    let split_at_page = |text: &str| {
        text.char_indices()
            .filter(|(_, ch)| *ch == '页')
            .any(|(at, _)| {
                let (first, second) = text.split_at(at + '页'.len_utf8());
                (page(first) && total(second)) || (total(first) && page(second))
            })
    };
    let dashed = squeezed.trim_matches(|ch| matches!(ch, '-' | '—' | '–'));
    let lower = squeezed.to_ascii_lowercase();
    page(&squeezed)
        || split_at_page(&squeezed)
        || (dashed.len() < squeezed.len() && digits(dashed))
        || squeezed
            .split_once('/')
            .is_some_and(|(a, b)| digits(a) && digits(b))
        || lower.strip_prefix("page").is_some_and(|rest| {
            digits(rest)
                || rest
                    .split_once("of")
                    .is_some_and(|(a, b)| digits(a) && digits(b))
        })
}

/// The pages of a PDF as rows of cells, as the form reader gets them (for tests and tools):
/// one list per page; a page without text is empty.
pub fn page_rows(bytes: &[u8]) -> Result<Vec<Vec<Row<'static>>>, Box<ImportError>> {
    Ok(pages(bytes)?
        .into_iter()
        .map(|page| match page {
            Page::Rows { rows, .. } => rows,
            Page::NoText { .. } => Vec::new(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdfs_are_told_by_their_header() {
        assert!(looks_like_pdf(b"%PDF-1.7\n"));
        assert!(looks_like_pdf(b"\xef\xbb\xbf  %PDF-1.4"));
        assert!(!looks_like_pdf(b"PDF-1.7"));
        let mut late = vec![b' '; 1030];
        late.extend_from_slice(b"%PDF-1.7");
        assert!(!looks_like_pdf(&late));
    }

    #[test]
    fn radicals_fold_to_their_characters() {
        assert_eq!(
            normalize("\u{2F00}\u{2F40}\u{2F83}\u{2FA6}\u{2ED4}"),
            "一支自金门"
        );
        assert_eq!(normalize("\u{2FD5}\u{2E80}财政"), "龠\u{2E80}财政");
        assert_eq!(KANGXI.chars().count(), 0x2FD6 - 0x2F00);
    }

    #[test]
    fn page_numbers_are_told_from_content() {
        for furniture in [
            "第 2 页",
            "第1页 共3页",
            "第 9 页，共 22 页",
            "共3页第1页",
            "- 2 -",
            "2/3",
            "Page 2",
            "Page 1 of 4",
        ] {
            assert!(is_page_number(furniture), "{furniture}");
        }
        for content in [
            "2024",
            "(2024年度)",
            "第一页",
            "10.00",
            "页数",
            "1/2页",
            "-",
        ] {
            assert!(!is_page_number(content), "{content}");
        }
    }
}
