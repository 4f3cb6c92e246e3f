//! One short function per subcommand: read, call the library, print.
//!
//! Forms are handled as they are read, so a large document streams through.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use anstream::stdout;
use anyhow::Context;
use jixiao_core::audit::{self, Audit};
use jixiao_core::report::FormReport;
use jixiao_core::rounding::two_places;
use jixiao_core::{Form, Profile, Severity};
use jixiao_render::Item;
use jixiao_render::csv::CsvWriter;

use crate::args::{
    Args, AuditFormat, Command, DenyLevel, ImportFormat, ProfilesAction, RenderFormat,
};
use crate::input;
use crate::output::{BOLD, DIM, JsonArray, severity_style, signed};

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
            audit_command(&files, &profile, format, deny)
        }
        Command::Score { files, profile } => {
            let profile = input::profile(&profile.profile)?;
            score_command(&files, &profile)
        }
        Command::Import {
            files,
            output,
            format,
        } => import_command(&files, output.as_deref(), format),
        Command::Render {
            files,
            output,
            format,
            audit,
            profile,
            font,
        } => {
            let profile = input::profile(&profile.profile)?;
            let options = RenderOptions {
                format,
                audit,
                profile: &profile,
                font,
            };
            render_command(&files, output.as_deref(), &options)
        }
        Command::Report {
            files,
            output,
            profile,
        } => {
            let profile = input::profile(&profile.profile)?;
            report_command(&files, output.as_deref(), &profile)
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
        Command::Serve(args) => crate::server::serve(args),
        Command::Org { action } => crate::server::org(action),
        Command::User { action } => crate::server::user(action),
        Command::Backup { db, output } => crate::server::backup(db, &output),
    }
}

fn audit_command(
    files: &[std::path::PathBuf],
    profile: &Profile,
    format: AuditFormat,
    deny: DenyLevel,
) -> anyhow::Result<Outcome> {
    let deny = match deny {
        DenyLevel::Error => Severity::Error,
        DenyLevel::Warning => Severity::Warning,
        DenyLevel::Info => Severity::Info,
    };
    let mut out = stdout().lock();
    let mut json = JsonArray::default();
    let mut denied = false;
    let mut counts = [0usize; 3];
    let mut n_forms = 0;
    let input_failed = input::each_form_batch(files, |_, forms| {
        for form in &forms {
            let result = audit::audit(form, profile);
            n_forms += 1;
            for finding in &result.findings {
                denied |= finding.severity >= deny;
                counts[finding.severity as usize] += 1;
            }
            match format {
                AuditFormat::Json => {
                    json.push(&mut out, &FormReport::new(form, profile, &result))?
                }
                AuditFormat::Text => print_form_audit(&mut out, form, profile, &result)?,
            }
        }
        Ok(())
    })?;
    match format {
        AuditFormat::Json => json.finish(&mut out)?,
        AuditFormat::Text => writeln!(
            out,
            "{BOLD}共{n_forms}张表（配置：{}）：错误{}，警告{}，提示{}{BOLD:#}",
            profile.name,
            counts[Severity::Error as usize],
            counts[Severity::Warning as usize],
            counts[Severity::Info as usize]
        )?,
    }
    out.flush()?;
    Ok(Outcome {
        input_failed,
        denied,
    })
}

fn print_form_audit(
    out: &mut impl Write,
    form: &Form,
    profile: &Profile,
    audit: &Audit,
) -> io::Result<()> {
    let report = FormReport::new(form, profile, audit);
    let (reported_total, gap) = reported_and_gap(form, audit.scorecard.total);
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
    writeln!(out)
}

/// The printed total (or `缺失`) and the rule total's gap to it (`-8.12`).
fn reported_and_gap(form: &Form, rule_total: rust_decimal::Decimal) -> (String, String) {
    match form.total.score {
        Some(total) => (two_places(total), signed(rule_total - total)),
        None => ("缺失".to_owned(), String::new()),
    }
}

fn score_command(files: &[std::path::PathBuf], profile: &Profile) -> anyhow::Result<Outcome> {
    let mut out = stdout().lock();
    let input_failed = input::each_form_batch(files, |_, forms| {
        for form in &forms {
            let card = jixiao_core::score::score(form, profile);
            let (reported, gap) = reported_and_gap(form, card.total);
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
    })?;
    out.flush()?;
    Ok(Outcome {
        input_failed,
        denied: false,
    })
}

/// `-o FILE`, or standard output.
fn sink(output: Option<&Path>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match output {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("{}：无法写入", path.display()))?;
            Box::new(BufWriter::new(file))
        }
        None => Box::new(BufWriter::new(io::stdout().lock())),
    })
}

fn import_command(
    files: &[std::path::PathBuf],
    output: Option<&Path>,
    format: ImportFormat,
) -> anyhow::Result<Outcome> {
    let mut out = sink(output)?;
    let input_failed = match format {
        ImportFormat::Json => {
            let mut json = JsonArray::default();
            let failed = input::each_form_batch(files, |_, forms| {
                forms
                    .iter()
                    .try_for_each(|form| json.push(&mut out, form))?;
                Ok(())
            })?;
            json.finish(&mut out)?;
            failed
        }
        ImportFormat::Csv => {
            let mut csv = CsvWriter::new(&mut out)?;
            let failed = input::each_form_batch(files, |_, forms| {
                forms.iter().try_for_each(|form| csv.write_form(form))?;
                Ok(())
            })?;
            csv.finish()?;
            failed
        }
    };
    out.flush()?;
    Ok(Outcome {
        input_failed,
        denied: false,
    })
}

/// What `jixiao render` was asked for.
struct RenderOptions<'a> {
    format: RenderFormat,
    audit: bool,
    profile: &'a Profile,
    font: Option<std::path::PathBuf>,
}

fn render_command(
    files: &[std::path::PathBuf],
    output: Option<&Path>,
    options: &RenderOptions,
) -> anyhow::Result<Outcome> {
    if options.format == RenderFormat::Text {
        return render_text(files, output);
    }
    if matches!(
        options.format,
        RenderFormat::Xlsx | RenderFormat::Pdf | RenderFormat::Docx
    ) && output.is_none()
    {
        anyhow::bail!("xlsx、pdf 与 docx 是二进制文件，请用 -o 指定输出文件");
    }
    let (forms, input_failed) = read_forms(files)?;
    let audits: Vec<Option<Audit>> = forms
        .iter()
        .map(|form| options.audit.then(|| audit::audit(form, options.profile)))
        .collect();
    let items: Vec<Item> = forms
        .iter()
        .zip(&audits)
        .map(|(form, audit)| Item {
            form,
            audit: audit.as_ref(),
        })
        .collect();
    let bytes = match options.format {
        RenderFormat::Html => jixiao_render::html::document(&items).into_bytes(),
        RenderFormat::Md => jixiao_render::markdown::document(&items).into_bytes(),
        RenderFormat::Xlsx => jixiao_render::xlsx::document(&items, options.profile)?,
        RenderFormat::Docx => jixiao_render::docx::document(&items)?,
        RenderFormat::Pdf => {
            let pdf_options = jixiao_render::pdf::PdfOptions {
                font: options.font.clone(),
            };
            jixiao_render::pdf::document(&items, &pdf_options)?
        }
        RenderFormat::Text => unreachable!("handled above"),
    };
    let mut out = sink(output)?;
    out.write_all(&bytes)?;
    out.flush()?;
    Ok(Outcome {
        input_failed,
        denied: false,
    })
}

/// Every form of the inputs, for outputs that are one document (HTML, XLSX, PDF, the report).
fn read_forms(files: &[std::path::PathBuf]) -> anyhow::Result<(Vec<Form>, bool)> {
    let mut all = Vec::new();
    let failed = input::each_form_batch(files, |_, forms| {
        all.extend(forms);
        Ok(())
    })?;
    Ok((all, failed))
}

fn report_command(
    files: &[std::path::PathBuf],
    output: Option<&Path>,
    profile: &Profile,
) -> anyhow::Result<Outcome> {
    let (forms, input_failed) = read_forms(files)?;
    let audits: Vec<Audit> = forms
        .iter()
        .map(|form| audit::audit(form, profile))
        .collect();
    let items: Vec<Item> = forms
        .iter()
        .zip(&audits)
        .map(|(form, audit)| Item {
            form,
            audit: Some(audit),
        })
        .collect();
    let mut out = sink(output)?;
    out.write_all(jixiao_render::report::document(&items, profile).as_bytes())?;
    out.flush()?;
    Ok(Outcome {
        input_failed,
        denied: false,
    })
}

/// The text layout streams: each form is written as soon as it is read.
fn render_text(files: &[std::path::PathBuf], output: Option<&Path>) -> anyhow::Result<Outcome> {
    let mut out = sink(output)?;
    let mut first = true;
    let input_failed = input::each_form_batch(files, |_, forms| {
        for form in &forms {
            if !first {
                out.write_all(b"\n")?;
            }
            out.write_all(jixiao_render::text::form(form).as_bytes())?;
            first = false;
        }
        Ok(())
    })?;
    out.flush()?;
    Ok(Outcome {
        input_failed,
        denied: false,
    })
}
