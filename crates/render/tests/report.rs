//! The audit report: its summary says what the audits say, every finding is in the table, every
//! form is drawn, and forms with errors carry the error badge.

use jixiao_core::audit::Audit;
use jixiao_core::grade::Grade;
use jixiao_core::model::Form;
use jixiao_core::{Profile, Severity};
use jixiao_render::{Item, report};
use rust_decimal::Decimal;

use crate::support::{self, audited_items};

struct Seed {
    forms: Vec<Form>,
    audits: Vec<Audit>,
    profile: Profile,
}

fn seed() -> Seed {
    let forms = support::seed().to_vec();
    let audits = support::audits(&forms);
    Seed {
        forms,
        audits,
        // The profile support::audits audits under.
        profile: Profile::builtin("shanghai").unwrap(),
    }
}

fn page(seed: &Seed) -> String {
    report::document(&audited_items(&seed.forms, &seed.audits), &seed.profile)
}

/// The value the summary shows under `data-summary="key"`.
fn summary<'a>(page: &'a str, key: &str) -> &'a str {
    let marker = format!("data-summary=\"{key}\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("{key}"));
    let rest = &page[start..];
    let value = &rest[rest.find('>').unwrap() + 1..];
    &value[..value.find('<').unwrap()]
}

fn count(page: &str, key: &str) -> usize {
    summary(page, key).parse().unwrap()
}

#[test]
fn the_summary_counts_what_the_audits_found() {
    let seed = seed();
    let page = page(&seed);
    let findings = || seed.audits.iter().flat_map(|audit| &audit.findings);
    let of = |severity| findings().filter(|f| f.severity == severity).count();
    assert_eq!(count(&page, "forms"), seed.forms.len());
    assert_eq!(count(&page, "findings"), findings().count());
    assert_eq!(count(&page, "error"), of(Severity::Error));
    assert_eq!(count(&page, "warning"), of(Severity::Warning));
    assert_eq!(count(&page, "info"), of(Severity::Info));
    let forms_with_errors = seed
        .audits
        .iter()
        .filter(|audit| audit.findings.iter().any(|f| f.severity == Severity::Error))
        .count();
    assert_eq!(count(&page, "forms-error"), forms_with_errors);
    for grade in [Grade::Excellent, Grade::Good, Grade::Pass, Grade::Poor] {
        let reported = seed
            .forms
            .iter()
            .filter(|form| Grade::parse(&form.grade) == Some(grade))
            .count();
        let rule = seed
            .audits
            .iter()
            .filter(|audit| audit.scorecard.grade == grade)
            .count();
        assert_eq!(count(&page, &format!("reported-{grade}")), reported);
        assert_eq!(count(&page, &format!("rule-{grade}")), rule);
    }
    let grade_differs = seed
        .forms
        .iter()
        .zip(&seed.audits)
        .filter(|(form, audit)| Grade::parse(&form.grade) != Some(audit.scorecard.grade))
        .count();
    assert_eq!(count(&page, "grade-differs"), grade_differs);
    let amount = |key| {
        summary(&page, key)
            .replace(',', "")
            .parse::<Decimal>()
            .unwrap()
    };
    let budget: Decimal = seed
        .forms
        .iter()
        .filter_map(|f| f.funds.total.adjusted)
        .sum();
    let executed: Decimal = seed
        .forms
        .iter()
        .filter_map(|f| f.funds.total.executed)
        .sum();
    assert_eq!(amount("budget"), budget);
    assert_eq!(amount("executed"), executed);
    // Rule totals are rounded to two places before the gap is taken, as the forms print them.
    let two = |value: Decimal| {
        value.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    };
    let gaps: Vec<Decimal> = seed
        .forms
        .iter()
        .zip(&seed.audits)
        .map(|(form, audit)| two(audit.scorecard.total) - form.total.score.unwrap())
        .collect();
    let net: Decimal = gaps.iter().sum();
    assert_eq!(
        summary(&page, "gap")
            .replace('\u{2212}', "-")
            .trim_start_matches('+'),
        format!("{:.2}", net)
    );
    assert_eq!(
        count(&page, "gap-forms"),
        gaps.iter().filter(|gap| !gap.is_zero()).count()
    );
    // The rate buckets cover every form once.
    let buckets: usize = ["100%", "90%–100%", "80%–90%", "60%–80%", "60%以下"]
        .iter()
        .map(|bucket| count(&page, &format!("rate-{bucket}")))
        .sum();
    assert_eq!(buckets, seed.forms.len());
    assert_eq!(count(&page, "rate-100%"), 5);
}

#[test]
fn every_finding_is_a_row_of_the_findings_table() {
    let seed = seed();
    let page = page(&seed);
    let n_findings: usize = seed.audits.iter().map(|audit| audit.findings.len()).sum();
    assert_eq!(page.matches(" data-severity=\"").count(), n_findings);
    assert_eq!(page.matches(" data-severity=\"error\"").count(), 3);
    // Errors come first; each row links to the finding under its form.
    let first = page.find(" data-severity=\"").unwrap();
    let row = &page[first..first + page[first..].find("</tr>").unwrap()];
    assert!(row.contains("data-severity=\"error\""), "{row}");
    let overstated = page.find("data-code=\"score-above-rule\"").unwrap();
    let row = &page[overstated..overstated + page[overstated..].find("</tr>").unwrap()];
    assert!(
        row.contains("href=\"#f-15-1\"") && row.contains("6017/17500×20"),
        "{row}"
    );
    assert!(
        row.contains("<td class=\"v\">15.00</td><td class=\"v\">6.88</td>"),
        "{row}"
    );
}

#[test]
fn every_form_is_drawn_with_its_status() {
    let seed = seed();
    let page = page(&seed);
    assert_eq!(
        page.matches("<article class=\"form-report\"").count(),
        seed.forms.len()
    );
    assert_eq!(
        page.matches("<section class=\"form\"").count(),
        seed.forms.len()
    );
    for (index, (form, audit)) in seed.forms.iter().zip(&seed.audits).enumerate() {
        let number = index + 1;
        let start = page
            .find(&format!("<article class=\"form-report\" id=\"r-{number}\""))
            .unwrap();
        let article = &page[start..start + page[start..].find("</article>").unwrap()];
        assert!(article.contains(&format!("<section class=\"form\" id=\"form-{number}\"")));
        let has_errors = audit.findings.iter().any(|f| f.severity == Severity::Error);
        assert_eq!(
            article.contains("badge st-error"),
            has_errors,
            "{}",
            form.project
        );
        // Every project is in the chart, by its full name.
        assert!(page.contains(&format!(
            "<title>{}</title>",
            form.project.replace('&', "&amp;")
        )));
    }
}

#[test]
fn the_page_stands_alone_and_works_without_its_script() {
    let seed = seed();
    let page = page(&seed);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    for outside in ["<link", "<img", "@import", "url(", "src=", "http"] {
        assert!(!page.contains(outside), "{outside}");
    }
    assert_eq!(page.matches("<script>").count(), 1);
    let script = &page[page.find("<script>").unwrap()..page.find("</script>").unwrap()];
    assert!(script.lines().count() < 80);
    // The filters appear only when the script runs; without it the table is whole.
    assert!(page.contains("<div class=\"filters\" id=\"filters\" hidden>"));
    assert_eq!(page.matches("<svg").count(), 1);
}

#[test]
fn no_forms_or_forms_without_audits_still_make_a_page() {
    let seed = seed();
    let empty = report::document(&[], &seed.profile);
    assert_eq!(count(&empty, "forms"), 0);
    let plain = report::document(
        &[Item {
            form: &seed.forms[0],
            audit: None,
        }],
        &seed.profile,
    );
    assert_eq!(count(&plain, "findings"), 0);
    assert!(plain.contains("<section class=\"form\" id=\"form-1\""));
}
