//! HTML: one section per form, merged cells as the layout merges them, every value escaped, and
//! findings marked on their cells and linked both ways with the list under the form.

use expect_test::expect_file;
use jixiao_core::audit::Audit;
use jixiao_core::model::Form;
use jixiao_render::{Item, html};

use crate::support::{self, audited_items};

/// The seed forms, each with its audit under the Shanghai profile.
fn seed() -> (Vec<Form>, Vec<Audit>) {
    let forms = support::seed().to_vec();
    let audits = support::audits(&forms);
    (forms, audits)
}

/// The test's own escaping, to check the renderer's.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The text of form `number`'s section.
fn section(page: &str, number: usize) -> &str {
    let start = page
        .find(&format!("<section class=\"form\" id=\"form-{number}\""))
        .unwrap();
    let end = start + page[start..].find("</section>").unwrap();
    &page[start..end]
}

/// The opening tags of the cells with `class`, with their text up to the closing tag.
fn cells_with_class<'a>(html: &'a str, class: &str) -> Vec<(&'a str, &'a str)> {
    let mut cells = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<td class=\"") {
        rest = &rest[start..];
        let open_end = rest.find('>').unwrap();
        let close = rest.find("</td>").unwrap();
        let (tag, text) = (&rest[..open_end], &rest[open_end + 1..close]);
        if tag
            .split('"')
            .nth(1)
            .unwrap()
            .split(' ')
            .any(|c| c == class)
        {
            cells.push((tag, text));
        }
        rest = &rest[close..];
    }
    cells
}

fn rowspan(tag: &str) -> usize {
    tag.split("rowspan=\"")
        .nth(1)
        .map_or(1, |rest| rest.split('"').next().unwrap().parse().unwrap())
}

/// Runs of equal keys, in order: (key, length).
fn runs<K: PartialEq + Clone>(keys: impl IntoIterator<Item = K>) -> Vec<(K, usize)> {
    let mut runs: Vec<(K, usize)> = Vec::new();
    for key in keys {
        match runs.last_mut() {
            Some((last, n)) if *last == key => *n += 1,
            _ => runs.push((key, 1)),
        }
    }
    runs
}

#[test]
fn one_section_per_form_in_one_self_contained_page() {
    let (forms, audits) = seed();
    let page = html::document(&audited_items(&forms, &audits));
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    assert_eq!(page.matches("<section class=\"form\"").count(), forms.len());
    assert_eq!(
        page.matches("<h1 class=\"form-title\">财政项目支出绩效自评表</h1>")
            .count(),
        15
    );
    assert_eq!(
        page.matches("<p class=\"form-year\">(2024年度)</p>")
            .count(),
        15
    );
    // Nothing is fetched: no scripts, images, external fonts or stylesheets.
    for outside in [
        "<script", "<img", "<link", "@import", "url(", "src=", "http",
    ] {
        assert!(!page.contains(outside), "{outside}");
    }
    // The indicator heading is a header group of its own table, repeated on printed pages.
    assert_eq!(page.matches("<thead>").count(), forms.len());
    assert!(
        page.contains("<thead>\n<tr class=\"heading\"><th class=\"l\" scope=\"col\">一级指标</th>")
    );
    assert!(page.contains("break-before: page"));
    assert!(page.contains("size: A4 portrait"));
}

#[test]
fn level_labels_span_their_groups() {
    let (forms, audits) = seed();
    let page = html::document(&audited_items(&forms, &audits));
    for (index, form) in forms.iter().enumerate() {
        let section = section(&page, index + 1);
        let shown = |class| -> Vec<(String, usize)> {
            cells_with_class(section, class)
                .into_iter()
                .map(|(tag, text)| (text.to_owned(), rowspan(tag)))
                .collect()
        };
        let level1 = runs(form.indicators.iter().map(|i| escaped(&i.level1)));
        let level2: Vec<(String, usize)> = runs(
            form.indicators
                .iter()
                .map(|i| (escaped(&i.level1), escaped(&i.level2))),
        )
        .into_iter()
        .map(|((_, level2), n)| (level2, n))
        .collect();
        assert_eq!(shown("level1"), level1, "{}", form.project);
        assert_eq!(shown("level2"), level2, "{}", form.project);
    }
}

#[test]
fn every_value_of_every_form_appears_escaped() {
    let (forms, audits) = seed();
    let page = html::document(&audited_items(&forms, &audits));
    let mut n_escaped = 0;
    for (index, form) in forms.iter().enumerate() {
        let section = section(&page, index + 1);
        let mut texts = vec![
            form.project.clone(),
            form.department.clone(),
            form.implementing_unit.clone(),
            form.grade.clone(),
        ];
        for goals in [&form.goals.expected, &form.goals.actual] {
            texts.extend(goals.split('\n').map(|line| line.trim().to_owned()));
        }
        let numbers = form
            .funds
            .rows()
            .into_iter()
            .flat_map(|(_, row)| [row.initial, row.adjusted, row.executed, row.rate])
            .chain([form.execution.weight, form.execution.score])
            .chain([form.total.weight, form.total.score]);
        for indicator in &form.indicators {
            texts.extend(
                [
                    &indicator.level1,
                    &indicator.level2,
                    &indicator.name,
                    &indicator.target,
                    &indicator.actual,
                ]
                .map(String::clone),
            );
            texts.extend(
                indicator
                    .note
                    .split('\n')
                    .map(|line| line.trim().to_owned()),
            );
        }
        let numbers: Vec<String> = numbers
            .chain(form.indicators.iter().flat_map(|i| [i.weight, i.score]))
            .flatten()
            .map(|number| number.to_string())
            .collect();
        for text in texts.iter().chain(&numbers).filter(|text| !text.is_empty()) {
            let text = escaped(text);
            n_escaped += usize::from(text.contains('&'));
            assert!(section.contains(&text), "{}: {text}", form.project);
        }
    }
    // The seed has targets such as `>4(次)`: escaping is exercised, not assumed.
    assert!(n_escaped > 0);
}

#[test]
fn text_that_looks_like_markup_is_escaped() {
    let (forms, _) = seed();
    let mut form = forms[6].clone();
    form.project = "<script>alert('x')</script> & \"引号\"".to_owned();
    form.indicators[0].note = "甲<b>乙</b>\n丙".to_owned();
    let page = html::document(&[Item {
        form: &form,
        audit: None,
    }]);
    assert!(!page.contains("<script>") && !page.contains("<b>"));
    assert!(
        page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;引号&quot;")
    );
    assert!(page.contains("<p>甲&lt;b&gt;乙&lt;/b&gt;</p><p>丙</p>"));
}

#[test]
fn the_overstated_score_is_an_error_linked_to_its_finding() {
    let (forms, audits) = seed();
    let number = 15;
    let page = html::document(&audited_items(&forms, &audits));
    let section = section(&page, number);
    assert!(section.contains("城管执法普法宣传"));
    let row_start = section.find("制作、发放宣传资料数量").unwrap();
    let row = &section[row_start..row_start + section[row_start..].find("</tr>").unwrap()];
    let (tag, text) = cells_with_class(row, "n")
        .into_iter()
        .find(|(_, text)| text.starts_with("15.00"))
        .unwrap();
    assert!(tag.contains("sev-error"), "{tag}");
    let target = text
        .split("href=\"#")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let finding_number = target.strip_prefix(&format!("f-{number}-")).unwrap();
    assert!(text.contains(&format!("id=\"m-{number}-{finding_number}\"")));
    let item_start = section.find(&format!("<li id=\"{target}\"")).unwrap();
    let item = &section[item_start..item_start + section[item_start..].find("</li>").unwrap()];
    assert!(item.contains("6017/17500×20"), "{item}");
    assert!(item.contains("错误") && item.contains("score-above-rule"));
    assert!(item.contains(&format!("href=\"#m-{number}-{finding_number}\"")));
    // Beside the title: the reported and rule totals, the rule grade highlighted.
    assert!(section.contains("<td class=\"n\">95.00</td><td class=\"g\">优</td>"));
    assert!(section.contains("<td class=\"n\">86.88</td><td class=\"g differs\">良</td>"));
    assert!(section.contains("\u{2212}8.12"));
}

#[test]
fn every_finding_is_listed_and_every_marker_has_its_finding() {
    let (forms, audits) = seed();
    let page = html::document(&audited_items(&forms, &audits));
    for (index, audit) in audits.iter().enumerate() {
        let number = index + 1;
        let section = section(&page, number);
        let listed = section.matches(&format!("<li id=\"f-{number}-")).count();
        assert_eq!(listed, audit.findings.len(), "form {number}");
        for n in 1..=listed {
            assert!(
                section.contains(&format!("href=\"#f-{number}-{n}\"")),
                "form {number}: {n}"
            );
        }
    }
}

#[test]
fn without_an_audit_the_form_is_plain() {
    let (forms, _) = seed();
    let page = html::document(&[Item {
        form: &forms[14],
        audit: None,
    }]);
    for audit_only in ["sev-error\"", "class=\"mark", "<aside", "审核发现"] {
        assert!(!page.contains(audit_only), "{audit_only}");
    }
}

#[test]
fn a_small_form_snapshot() {
    let (forms, audits) = seed();
    let index = forms
        .iter()
        .position(|form| form.project == "徐家汇路579号外墙排险维修")
        .unwrap();
    let item = Item {
        form: &forms[index],
        audit: Some(&audits[index]),
    };
    expect_file!["data/xujiahui-form.html"].assert_eq(&html::form(item, index + 1));
}
