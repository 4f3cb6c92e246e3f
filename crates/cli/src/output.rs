//! Text output for people: coloured on a terminal, plain when piped (anstream strips styles).

use anstyle::{AnsiColor, Style};
use jixiao_core::Severity;

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();

pub fn severity_style(severity: Severity) -> Style {
    let color = match severity {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Info => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

/// A signed gap with two decimals: `+0.00`, `-8.12`.
pub fn signed(value: rust_decimal::Decimal) -> String {
    if value.is_sign_negative() && !value.is_zero() {
        format!("{:.2}", value)
    } else {
        format!("+{:.2}", value.abs())
    }
}

/// Writes a JSON array element by element, laid out as `serde_json::to_string_pretty` lays out
/// the whole array, so that output streams without holding every element.
#[derive(Debug, Default)]
pub struct JsonArray {
    count: usize,
}

impl JsonArray {
    pub fn push(
        &mut self,
        out: &mut impl std::io::Write,
        value: &impl serde::Serialize,
    ) -> std::io::Result<()> {
        out.write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
        let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
        for (index, line) in text.lines().enumerate() {
            if index > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(b"  ")?;
            out.write_all(line.as_bytes())?;
        }
        self.count += 1;
        Ok(())
    }

    pub fn finish(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })
    }
}
