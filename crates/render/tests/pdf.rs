//! PDF: the 15 seed forms typeset, then read back with poppler's `pdftotext` and `pdfinfo` as a
//! person's PDF reader would: every project, total and indicator is there as selectable text,
//! each form starts on its own page, and only the simplified-Chinese faces are embedded.
//!
//! poppler-utils and fonts-noto-cjk are Debian packages (`.ci/run` installs them). Without them a
//! local run prints a skip notice; under CI (`CI` set) it fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use jixiao_render::Item;
use jixiao_render::pdf::{self, PdfError, PdfOptions};

use crate::support::{
    INDICATOR_HEADING, audited_items, audits, fonts_installed, items, seed, skip,
};

const TITLE: &str = "财政项目支出绩效自评表";

/// Whether the tools and fonts these tests need are here; under CI they must be.
fn ready() -> bool {
    static TOOLS: OnceLock<bool> = OnceLock::new();
    let tools = *TOOLS.get_or_init(|| {
        ["pdftotext", "pdfinfo", "pdffonts"]
            .iter()
            .all(|tool| Command::new(tool).arg("-v").output().is_ok())
    });
    let ready = tools && fonts_installed();
    if !ready {
        skip(
            "poppler-utils (pdftotext, pdfinfo, pdffonts) or fonts-noto-cjk is missing: \
             apt-get install poppler-utils fonts-noto-cjk",
        );
    }
    ready
}

/// The 15 seed forms as one PDF, written once to a file for poppler.
fn plain_pdf() -> &'static Path {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| write("plain", &items(seed()), &PdfOptions::default()))
}

/// Typesets, fails on any typst warning (an unknown font family would fall back to Japanese
/// glyphs), and writes the PDF to a file for poppler.
fn write(name: &str, items: &[Item<'_>], options: &PdfOptions) -> PathBuf {
    let pdf = pdf::document_with_warnings(items, options).unwrap();
    assert!(pdf.warnings.is_empty(), "typst warned: {:#?}", pdf.warnings);
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    // In target/tmp, where a failed run's PDF stays to be looked at.
    let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("pdf-{name}-{}.pdf", std::process::id()));
    std::fs::write(&path, &pdf.bytes).unwrap();
    path
}

fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let mut command = Command::new(tool);
    command.args(args).arg(pdf);
    if tool == "pdftotext" {
        command.arg("-");
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The text of each page, from `pdftotext` with the given mode (`-layout`, `-raw`).
fn pages(pdf: &Path, mode: &str) -> Vec<String> {
    let text = poppler("pdftotext", &[mode], pdf);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|page| page.trim().is_empty()) {
        pages.pop();
    }
    pages
}

fn layout_pages(pdf: &Path) -> Vec<String> {
    pages(pdf, "-layout")
}

fn first_line(page: &str) -> &str {
    page.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("")
}

/// The pages of each form: a form runs from a page that starts with the title to the next one.
/// `texts` are the same pages in another extraction mode.
fn by_form(layout: &[String], texts: &[String]) -> Vec<String> {
    assert_eq!(layout.len(), texts.len());
    let mut forms: Vec<String> = Vec::new();
    for (page, text) in layout.iter().zip(texts) {
        match forms.last_mut() {
            Some(form) if first_line(page) != TITLE => form.push_str(text),
            _ => forms.push(text.clone()),
        }
    }
    forms
}

fn pages_by_form(pages: &[String]) -> Vec<String> {
    by_form(pages, pages)
}

fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A name that fits on one line of the 三级指标 column (about nine characters at 9 pt) must be
/// found exactly in the page layout; a longer one wraps inside its cell, and `-layout` puts the
/// neighbouring cells between its lines, so it is looked for in the text in drawing order
/// (`-raw`), with only the line breaks removed.
const ONE_LINE: usize = 9;

#[test]
fn every_project_total_and_indicator_is_selectable_text() {
    if !ready() {
        return;
    }
    let pdf = plain_pdf();
    let layout = layout_pages(pdf);
    let forms_text = pages_by_form(&layout);
    let forms_raw = by_form(&layout, &pages(pdf, "-raw"));
    assert_eq!(forms_text.len(), seed().len());
    for ((form, text), raw) in seed().iter().zip(&forms_text).zip(&forms_raw) {
        let raw = without_whitespace(raw);
        assert!(text.contains(&form.project), "{}", form.project);
        assert!(
            text.contains(&format!("({}年度)", form.year)),
            "{}",
            form.project
        );
        let total = form.total.score.unwrap().to_string();
        let total_line = text
            .lines()
            .find(|line| line.trim_start().starts_with("总分"))
            .unwrap_or_else(|| panic!("{}: no 总分 line", form.project));
        assert!(
            total_line.split_whitespace().any(|word| word == total),
            "{}: {total} not in {total_line:?}",
            form.project
        );
        for indicator in &form.indicators {
            let name = &indicator.name;
            if name.chars().count() <= ONE_LINE {
                assert!(text.contains(name.as_str()), "{}: {name}", form.project);
            } else {
                assert!(
                    raw.contains(&without_whitespace(name)),
                    "{}: {name}",
                    form.project
                );
            }
        }
    }
}

#[test]
fn each_form_starts_on_its_own_page() {
    if !ready() {
        return;
    }
    let pdf = plain_pdf();
    let info = poppler("pdfinfo", &[], pdf);
    let n_pages: usize = info
        .lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let pages = layout_pages(pdf);
    assert_eq!(pages.len(), n_pages);
    assert!(n_pages >= seed().len(), "{n_pages} pages");
    let starts: Vec<&String> = pages
        .iter()
        .filter(|page| first_line(page) == TITLE)
        .collect();
    assert_eq!(starts.len(), seed().len());
    for (form, page) in seed().iter().zip(starts) {
        let second = page
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .nth(1);
        assert_eq!(second, Some(format!("({}年度)", form.year).as_str()));
        assert!(page.contains(&form.project), "{}", form.project);
    }
}

/// The long form (城管执法教育培训, 76 indicators) runs over several pages; each page after its
/// first starts with the indicator heading again and names the 一级 group its rows belong to.
#[test]
fn a_long_table_repeats_its_heading_on_each_page() {
    if !ready() {
        return;
    }
    let pages = layout_pages(plain_pdf());
    let start = pages
        .iter()
        .position(|page| first_line(page) == TITLE && page.contains("城管执法教育培训"))
        .unwrap();
    let continued: Vec<&String> = pages[start + 1..]
        .iter()
        .take_while(|page| first_line(page) != TITLE)
        .collect();
    assert!(
        continued.len() >= 2,
        "{} pages after the first",
        continued.len()
    );
    let form = seed()
        .iter()
        .find(|form| form.project == "城管执法教育培训")
        .unwrap();
    for page in continued {
        let heading = first_line(page);
        for label in INDICATOR_HEADING {
            assert!(heading.contains(label), "{heading:?}");
        }
        assert!(
            form.indicators
                .iter()
                .any(|indicator| page.contains(&indicator.level1)),
            "no 一级 label on a continued page:\n{page}"
        );
    }
}

#[test]
fn only_simplified_chinese_faces_are_embedded() {
    if !ready() {
        return;
    }
    let fonts = poppler("pdffonts", &[], plain_pdf());
    let names: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(!names.is_empty());
    for name in names {
        assert!(
            name.contains("CJKsc"),
            "{name}: not a simplified-Chinese face\n{fonts}"
        );
    }
}

#[test]
fn an_audit_shows_the_rule_total_and_the_findings() {
    if !ready() {
        return;
    }
    let audits = audits(seed());
    let path = write(
        "audit",
        &audited_items(seed(), &audits),
        &PdfOptions::default(),
    );
    let forms_text = pages_by_form(&layout_pages(&path));
    assert_eq!(forms_text.len(), seed().len());
    // 城管执法普法宣传: reported 95.00 优, the rule gives 86.88 良.
    let puxuan = &forms_text[14];
    for expected in [
        "95.00",
        "86.88",
        "\u{2212}8.12",
        "不符",
        "审核发现",
        "score-above-rule",
    ] {
        assert!(puxuan.contains(expected), "{expected}\n{puxuan}");
    }
    for (form, (text, audit)) in seed().iter().zip(forms_text.iter().zip(&audits)) {
        assert!(text.contains(&form.project));
        for finding in &audit.findings {
            assert!(
                text.contains(finding.code.as_str()),
                "{}: {}",
                form.project,
                finding.code.as_str()
            );
        }
    }
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_font_file_can_be_given() {
    if !ready() {
        return;
    }
    // Where Debian's fonts-noto-cjk puts it; the file holds the JP, KR, SC, TC and HK faces.
    let file = PathBuf::from("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc");
    if !file.exists() {
        skip("no fonts-noto-cjk NotoSansCJK-Regular.ttc");
        return;
    }
    let options = PdfOptions { font: Some(file) };
    let path = write(
        "font",
        &[Item {
            form: &seed()[0],
            audit: None,
        }],
        &options,
    );
    let fonts = poppler("pdffonts", &[], &path);
    assert!(fonts.contains("NotoSansCJKsc-Regular"), "{fonts}");
    assert!(!fonts.contains("CJKjp"), "{fonts}");
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_missing_font_gives_a_chinese_error() {
    let form = &seed()[0];
    let items = [Item { form, audit: None }];
    let missing = PdfOptions {
        font: Some(PathBuf::from("/nonexistent/字体.ttc")),
    };
    let error = pdf::document(&items, &missing).unwrap_err();
    assert!(matches!(error, PdfError::FontFile { .. }), "{error:?}");
    let message = error.to_string();
    for expected in [
        "无法读取字体文件",
        "/nonexistent/字体.ttc",
        "文件不存在",
        "fonts-noto-cjk",
        "--font",
    ] {
        assert!(message.contains(expected), "{message}");
    }
    let not_a_font = PdfOptions {
        font: Some(PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/Cargo.toml"
        ))),
    };
    let error = pdf::document(&items, &not_a_font).unwrap_err();
    assert!(matches!(error, PdfError::NotCjkFont { .. }), "{error:?}");
    assert!(
        error.to_string().contains("不是可用的中文字体文件"),
        "{error}"
    );
    assert!(
        PdfError::NoFont
            .to_string()
            .contains("请安装 fonts-noto-cjk")
    );
}

/// The forms' text is typst data, not markup: characters typst would read as code, maths,
/// emphasis, references or labels print as written.
#[test]
fn markup_characters_print_as_written() {
    if !ready() {
        return;
    }
    let written =
        "课题#研究 $x$ *重点* _难点_ @热点 <标签> [甲] \\乙 `丙` // 丁 /* 戊 */ #panic(\"己\")";
    let mut form = seed()[0].clone();
    form.project = written.to_owned();
    form.indicators[0].note = written.to_owned();
    let path = write(
        "markup",
        &[Item {
            form: &form,
            audit: None,
        }],
        &PdfOptions::default(),
    );
    let text = without_whitespace(&poppler("pdftotext", &["-raw"], &path));
    assert_eq!(
        text.matches(&without_whitespace(written)).count(),
        3,
        "{text}"
    );
    std::fs::remove_file(path).unwrap();
}

/// Goals too long for one page run onto the next instead of running off the page.
#[test]
fn goals_longer_than_a_page_run_onto_the_next() {
    if !ready() {
        return;
    }
    let mut form = seed()[0].clone();
    let sentence = "围绕城市管理行政执法重点、难点、热点开展课题研究，形成有价值的成果信息。";
    form.goals.expected = vec![sentence.repeat(12); 8].join("\n");
    let path = write(
        "goals",
        &[Item {
            form: &form,
            audit: None,
        }],
        &PdfOptions::default(),
    );
    let layout = layout_pages(&path);
    assert!(layout.len() >= 2, "{} pages", layout.len());
    let raw = without_whitespace(&poppler("pdftotext", &["-raw"], &path));
    // A sentence cut by a page break has the footer in between.
    let n_cut = layout.len() - 1;
    assert!(raw.matches(sentence).count() >= 12 * 8 - n_cut, "{raw}");
    for indicator in &form.indicators {
        assert!(
            raw.contains(&without_whitespace(&indicator.name)),
            "{}",
            indicator.name
        );
    }
    std::fs::remove_file(path).unwrap();
}
