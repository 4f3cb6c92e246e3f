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
