//! One short function per subcommand: read, call the library, print.

use std::io::Write;

use anstream::stdout;
use jixiao_core::audit::{self, Audit};
use jixiao_core::report::FormReport;
use jixiao_core::rounding::two_places;
use jixiao_core::{Form, Profile, Severity};

use crate::args::{Args, AuditFormat, Command, DenyLevel, ProfilesAction};
use crate::input::{self, Document};
use crate::output::{BOLD, DIM, severity_style, signed};

/// What a run found, for the exit code.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Some input could not be read.
    pub input_failed: bool,
    /// A finding at or above the deny level.
    pub denied: bool,
}

impl Outcome {
    pub fn code(&self) -> u8 {
        if self.input_failed {
            2
        } else if self.denied {
            1
        } else {
            0
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    match args.command {
        Command::Audit {
            files,
            profile,
            format,
            deny,
        } => {
            let profile = input::profile(&profile.profile)?;
            let (documents, input_failed) = input::read_all(&files);
            let denied = audit_command(&documents, &profile, format, deny)?;
            Ok(Outcome {
                input_failed,
                denied,
            })
        }
        Command::Score { files, profile } => {
            let profile = input::profile(&profile.profile)?;
            let (documents, input_failed) = input::read_all(&files);
            score_command(&documents, &profile)?;
            Ok(Outcome {
                input_failed,
                denied: false,
            })
        }
        Command::Schema => {
            let schema = schemars::schema_for!(Vec<Form>);
            writeln!(stdout(), "{}", serde_json::to_string_pretty(&schema)?)?;
            Ok(Outcome::default())
        }
        Command::Profiles { action: None } => {
            let mut out = stdout();
            for (name, _) in jixiao_core::profile::BUILTIN {
                let profile = Profile::builtin(name)?;
                writeln!(out, "{name}\t{}", profile.title)?;
            }
            Ok(Outcome::default())
        }
        Command::Profiles {
            action: Some(ProfilesAction::Show { name }),
        } => {
            let text = jixiao_core::profile::builtin_text(&name).ok_or_else(|| {
                anyhow::anyhow!("没有名为 `{name}` 的内置配置（可用：national、shanghai）")
            })?;
            write!(stdout(), "{text}")?;
            Ok(Outcome::default())
        }
    }
}

fn forms(documents: &[Document]) -> impl Iterator<Item = &Form> {
    documents.iter().flat_map(|document| document.forms.iter())
}

/// Prints the audit; returns whether a finding reached the deny level.
fn audit_command(
    documents: &[Document],
    profile: &Profile,
    format: AuditFormat,
    deny: DenyLevel,
) -> anyhow::Result<bool> {
    let deny = match deny {
        DenyLevel::Error => Severity::Error,
        DenyLevel::Warning => Severity::Warning,
        DenyLevel::Info => Severity::Info,
    };
    let audits: Vec<(&Form, Audit)> = forms(documents)
        .map(|form| (form, audit::audit(form, profile)))
        .collect();
    let denied = audits
        .iter()
        .any(|(_, audit)| audit.findings.iter().any(|f| f.severity >= deny));
    let mut out = stdout().lock();
    match format {
        AuditFormat::Json => {
            let reports: Vec<FormReport> = audits
                .iter()
                .map(|(form, audit)| FormReport::new(form, profile, audit))
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&reports)?)?;
        }
        AuditFormat::Text => {
            for (form, audit) in &audits {
                print_form_audit(&mut out, form, profile, audit)?;
            }
            let count = |severity| {
                audits
                    .iter()
                    .flat_map(|(_, a)| &a.findings)
                    .filter(|f| f.severity == severity)
                    .count()
            };
            writeln!(
                out,
                "{BOLD}共{}张表（配置：{}）：错误{}，警告{}，提示{}{BOLD:#}",
                audits.len(),
                profile.name,
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Info)
            )?;
        }
    }
    Ok(denied)
}

fn print_form_audit(
    out: &mut impl Write,
    form: &Form,
    profile: &Profile,
    audit: &Audit,
) -> anyhow::Result<()> {
    let report = FormReport::new(form, profile, audit);
    let reported_total = form
        .total
        .score
        .map_or_else(|| "缺失".to_owned(), two_places);
    let gap = form
        .total
        .score
        .map(|total| signed(audit.scorecard.total - total))
        .unwrap_or_default();
    writeln!(
        out,
        "{BOLD}{}{BOLD:#}  上报 {reported_total} {}  规则 {} {}  {DIM}差额 {gap}{DIM:#}",
        form.project,
        form.grade,
        two_places(audit.scorecard.total),
        audit.scorecard.grade,
    )?;
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        for finding in report.findings.iter().filter(|f| f.severity == severity) {
            let style = severity_style(severity);
            writeln!(
                out,
                "  {style}{}{style:#} {DIM}{}{DIM:#}  {}：{}",
                severity.label(),
                finding.code,
                finding.place,
                finding.message
            )?;
        }
    }
    writeln!(out)?;
    Ok(())
}

fn score_command(documents: &[Document], profile: &Profile) -> anyhow::Result<()> {
    let mut out = stdout().lock();
    for form in forms(documents) {
        let card = jixiao_core::score::score(form, profile);
        let reported = form
            .total
            .score
            .map_or_else(|| "缺失".to_owned(), two_places);
        let gap = form
            .total
            .score
            .map(|total| signed(card.total - total))
            .unwrap_or_default();
        writeln!(
            out,
            "{}\t上报 {reported} {}\t规则 {} {}\t差额 {gap}",
            form.project,
            form.grade,
            two_places(card.total),
            card.grade
        )?;
    }
    Ok(())
}
