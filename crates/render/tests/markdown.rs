//! Markdown: a heading per form, tables that stay tables whatever the text, the findings listed.

use expect_test::expect_file;
use jixiao_render::{Item, markdown};

use crate::support::{audited_items, audits, seed};

/// The cells of a table line, split on the pipes that are not escaped.
fn cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = line.trim().trim_start_matches('|').chars();
    while let Some(character) = chars.next() {
        match character {
            '\\' => {
                cells.last_mut().unwrap().push(character);
                cells.last_mut().unwrap().extend(chars.next());
            }
            '|' => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(character),
        }
    }
    cells.pop();
    cells
        .into_iter()
        .map(|cell| cell.trim().to_owned())
        .collect()
}

#[test]
fn a_heading_and_an_indicator_row_per_indicator() {
    let forms = seed();
    let audits = audits(forms);
    let text = markdown::document(&audited_items(forms, &audits));
    for (index, form) in forms.iter().enumerate() {
        assert!(text.contains(&format!(
            "\n## {}. {} (2024年度)\n",
            index + 1,
            form.project
        )));
        for indicator in &form.indicators {
            let line = text
                .lines()
                .find(|line| {
                    cells(line)
                        .get(2)
                        .is_some_and(|cell| cell.starts_with(&indicator.name))
                })
                .unwrap_or_else(|| panic!("{}: {}", form.project, indicator.name));
            assert_eq!(cells(line).len(), 8, "{line}");
        }
    }
    assert_eq!(
        text.matches("**审核发现**").count(),
        audits
            .iter()
            .filter(|audit| !audit.findings.is_empty())
            .count()
    );
}

#[test]
fn pipes_and_line_breaks_never_break_a_table() {
    let mut form = seed()[6].clone();
    form.indicators[0].note = "一|二\n三*四*".to_owned();
    let text = markdown::document(&[Item {
        form: &form,
        audit: None,
    }]);
    let line = text
        .lines()
        .find(|line| line.contains(&form.indicators[0].name))
        .unwrap();
    assert_eq!(cells(line).len(), 8, "{line}");
    assert!(line.contains("一\\|二<br>三\\*四\\*"), "{line}");
}

#[test]
fn a_form_with_its_findings_snapshot() {
    let forms = seed();
    let audits = audits(forms);
    let item = Item {
        form: &forms[14],
        audit: Some(&audits[14]),
    };
    expect_file!["data/puxuan.md"].assert_eq(&markdown::document(&[item]));
}
