//! Small inline SVG charts: horizontal bars and paired bars. Geometry only uses floats; the
//! numbers printed beside the bars are the caller's text.

use maud::{Markup, html};

/// One bar: its label, its length's value, and the text printed at its end.
pub(crate) struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
    pub href: Option<String>,
    /// An extra class for the bar (`over`, `under`), or empty.
    pub tone: &'static str,
}

/// Horizontal bars, one per row, scaled to the largest.
pub(crate) fn bars(title: &str, rows: &[Bar]) -> Markup {
    const ROW: f64 = 26.0;
    const LABEL: f64 = 210.0;
    const WIDTH: f64 = 560.0;
    let max = rows.iter().map(|bar| bar.value).fold(0.0_f64, f64::max);
    let span = WIDTH - LABEL - 70.0;
    let height = ROW * rows.len().max(1) as f64 + 4.0;
    html! {
        svg.chart role="img" aria-label=(title) viewBox=(format!("0 0 {WIDTH} {height}")) width="100%" preserveAspectRatio="xMinYMin meet" {
            title { (title) }
            @if rows.is_empty() {
                text x="0" y="18" class="muted" { "暂无数据" }
            }
            @for (index, bar) in rows.iter().enumerate() {
                @let y = index as f64 * ROW + 2.0;
                @let length = if max > 0.0 { (bar.value / max * span).max(if bar.value > 0.0 { 2.0 } else { 0.0 }) } else { 0.0 };
                g {
                    text.label x=(LABEL - 8.0) y=(y + 16.0) text-anchor="end" { (shorten(&bar.label, 15)) }
                    @if let Some(href) = &bar.href {
                        a href=(href) {
                            rect.bar.(bar.tone) x=(LABEL) y=(y + 4.0) width=(format!("{length:.1}")) height="16" rx="2" {}
                        }
                    } @else {
                        rect.bar.(bar.tone) x=(LABEL) y=(y + 4.0) width=(format!("{length:.1}")) height="16" rx="2" {}
                    }
                    text.value x=(format!("{:.1}", LABEL + length + 6.0)) y=(y + 16.0) { (bar.text) }
                }
            }
        }
    }
}

/// Paired bars per category: the reported count beside the rule count.
pub(crate) fn paired(title: &str, categories: &[(&str, usize, usize)]) -> Markup {
    const HEIGHT: f64 = 150.0;
    const GROUP: f64 = 96.0;
    let max = categories
        .iter()
        .map(|(_, a, b)| (*a).max(*b))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let width = GROUP * categories.len() as f64 + 20.0;
    html! {
        svg.chart role="img" aria-label=(title) viewBox=(format!("0 0 {width} {}", HEIGHT + 44.0)) width="100%" preserveAspectRatio="xMinYMin meet" {
            title { (title) }
            line.axis x1="10" x2=(width - 10.0) y1=(HEIGHT + 10.0) y2=(HEIGHT + 10.0) {}
            @for (index, (name, reported, rule)) in categories.iter().enumerate() {
                @let x = 20.0 + index as f64 * GROUP;
                @let h1 = *reported as f64 / max * (HEIGHT - 20.0);
                @let h2 = *rule as f64 / max * (HEIGHT - 20.0);
                g {
                    rect.bar.reported x=(x) y=(format!("{:.1}", HEIGHT + 10.0 - h1)) width="30" height=(format!("{h1:.1}")) {}
                    text.value x=(x + 15.0) y=(format!("{:.1}", HEIGHT + 4.0 - h1)) text-anchor="middle" { (reported) }
                    rect.bar.rule x=(x + 34.0) y=(format!("{:.1}", HEIGHT + 10.0 - h2)) width="30" height=(format!("{h2:.1}")) {}
                    text.value x=(x + 49.0) y=(format!("{:.1}", HEIGHT + 4.0 - h2)) text-anchor="middle" { (rule) }
                    text.label x=(x + 32.0) y=(HEIGHT + 30.0) text-anchor="middle" { (name) }
                }
            }
        }
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(max - 1).collect();
        short.push('…');
        short
    }
}
