//! XLSX: the official form as a workbook, one worksheet per form, with live formulas.
//!
//! Each worksheet draws `layout::layout` cell for cell: the title and the year above an
//! eight-column table, merged exactly as the layout merges, printed on A4 portrait one page wide.
//! Where the form has arithmetic the cell holds a formula instead of a number, so the workbook
//! works as a fill-in template: 执行率 of each funds row, the budget-execution score, 总分 and
//! 评分等级 (rules.md §3 and §5, with the profile's rounding and grade bands). A ninth column,
//! 规则得分, gives the rule score of each quantitative indicator (rules.md §4) from its weight
//! (column F) and the target and actual numbers read from its text (hidden columns J and K).
//!
//! Every formula carries the form's printed value as its cached result, so the workbook shows the
//! form as published (and reads back as the same form) until it is recalculated; where the
//! printed value is not what the formula computes (the engine's value), the cell gets a note with
//! both. A value the form did not print is cached as the computed one, with a note saying so.
//! With an audit, the cells that findings are about are filled by severity and carry the
//! findings as notes.
//!
//! Font: `SimSun` (宋体), the font of Chinese government forms and of Chinese Excel before 2016,
//! installed with every Chinese Windows and Office for Mac. An xlsx names one font and cannot
//! give a fallback. LibreOffice on Linux substitutes it through fontconfig: with fonts-noto-cjk
//! the text renders correctly, in Noto Sans CJK; a fontconfig alias SimSun → Noto Serif CJK SC
//! gives the Song face of the printed form. Column widths are in digits of Calibri, the
//! workbook's default font: where Calibri is missing LibreOffice measures with its substitute
//! (DejaVu Sans, wider; fonts-crosextra-carlito has Calibri's metrics), and the page, still
//! fitted to one page wide, prints smaller.

use std::collections::HashSet;

use jixiao_core::Severity;
use jixiao_core::grade::Grade;
use jixiao_core::model::{Form, FundsRow, FundsSource};
use jixiao_core::profile::{Profile, ReverseFormula};
use jixiao_core::quantity::{Direction, Op, Reading};
use jixiao_core::rounding::{self, RateRounding, plain};
use jixiao_core::score::{self, Rule, Scorecard};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::utility::row_col_to_cell;
use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, Formula, Note, Workbook, Worksheet,
};

use crate::Item;
use crate::layout::{self, Cell, FundsColumn, IndicatorField, Layout, Role, Style, Value};

/// The font of every cell (宋体; see the module documentation for why).
pub const FONT: &str = "SimSun";

/// The worksheet row (0-based) of the layout's first row: the title and the year come before it.
pub const FIRST_TABLE_ROW: u32 = 2;

/// The column (0-based, `I`) of 规则得分, right of the official form.
pub const RULE_SCORE_COLUMN: u16 = 8;

/// The hidden column (`J`) holding each quantitative indicator's target number.
pub const TARGET_COLUMN: u16 = 9;

/// The hidden column (`K`) holding each quantitative indicator's actual number.
pub const ACTUAL_COLUMN: u16 = 10;

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    /// No form was given: a workbook needs at least one worksheet.
    #[error("没有可写入工作簿的自评表")]
    NoForms,
    /// The XLSX writer failed (a limit of the format was reached).
    #[error("生成 XLSX 文件失败：{0}")]
    Writer(#[from] rust_xlsxwriter::XlsxError),
}

/// Writes the forms as one workbook, a worksheet per form named after its project
/// (see `sheet_names`). `profile` decides the rounding of 执行率 and the grade bands of the
/// formulas, and scores the forms that come without an audit; an item's audit, when given, must
/// come from the same profile, as its rule values become the formulas' cached results.
pub fn document(items: &[Item], profile: &Profile) -> Result<Vec<u8>, XlsxError> {
    if items.is_empty() {
        return Err(XlsxError::NoForms);
    }
    let mut workbook = Workbook::new();
    let names = sheet_names(items.iter().map(|item| item.form.project.as_str()));
    for (item, name) in items.iter().zip(names) {
        let layout = layout::layout(item.form, item.audit);
        let scorecard = match item.audit {
            Some(audit) => audit.scorecard.clone(),
            None => score::score(item.form, profile),
        };
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        let form_sheet = FormSheet {
            form: item.form,
            layout: &layout,
            scorecard: &scorecard,
            profile,
        };
        form_sheet.write(sheet)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// Worksheet names for projects, in order, as Excel requires them: at most 31 characters
/// (UTF-16 units), none of `[ ] : * ? / \` (written in their full-width forms instead), no
/// apostrophe at either end, and unique ignoring case; a repeated name gets `(2)`, `(3)`, …
pub fn sheet_names<'a>(projects: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    // Excel reserves `History` for its change tracking.
    let mut taken: HashSet<String> = HashSet::from(["history".to_owned()]);
    projects
        .into_iter()
        .map(|project| {
            let base = clean_sheet_name(project);
            let mut name = truncate_utf16(&base, MAX_SHEET_NAME);
            let mut n_copy = 2;
            while !taken.insert(name.to_lowercase()) {
                let suffix = format!("({n_copy})");
                name = format!(
                    "{}{suffix}",
                    truncate_utf16(&base, MAX_SHEET_NAME - suffix.len())
                );
                n_copy += 1;
            }
            name
        })
        .collect()
}

/// Excel's limit on a sheet name, in UTF-16 units.
const MAX_SHEET_NAME: usize = 31;

fn clean_sheet_name(project: &str) -> String {
    let cleaned: String = project
        .chars()
        .filter(|ch| !ch.is_control())
        .map(|ch| match ch {
            '[' => '［',
            ']' => '］',
            ':' => '：',
            '*' => '＊',
            '?' => '？',
            '/' => '／',
            '\\' => '＼',
            other => other,
        })
        .collect();
    let trimmed = cleaned.trim().trim_matches('\'').trim();
    if trimmed.is_empty() {
        "自评表".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The longest prefix of `text` within `max` UTF-16 units, without an apostrophe or a space at
/// its end.
fn truncate_utf16(text: &str, max: usize) -> String {
    let mut units = 0;
    let prefix: String = text
        .chars()
        .take_while(|ch| {
            units += ch.len_utf16();
            units <= max
        })
        .collect();
    prefix.trim_end_matches(['\'', ' ']).to_owned()
}

// Sizes. The layout's widths are relative; Excel measures columns in digits of the workbook's
// default font (Calibri 11: 7 px a digit, plus 5 px of padding). At `WIDTH_SCALE` column A is
// 60 px, which holds a four-character label (一级指标, 产出指标) at 10 pt; the whole table is
// 767 px, printed one page wide on A4 portrait at about 93 %.
const WIDTH_SCALE: f64 = 0.98;
const BODY_PT: f64 = 10.0;
const TITLE_PT: f64 = 18.0;
const SUBTITLE_PT: f64 = 12.0;
/// One line of wrapped text: SimSun needs 1.3 em, Noto CJK (LibreOffice's substitute) 1.45.
const LINE_PT: f64 = BODY_PT * 1.45;
/// Room above and below the text of a cell.
const PADDING_PT: f64 = 5.0;

/// One form on one worksheet.
struct FormSheet<'a> {
    form: &'a Form,
    layout: &'a Layout,
    scorecard: &'a Scorecard,
    profile: &'a Profile,
}

/// What goes into a cell.
enum Content {
    Value(Value),
    Formula {
        formula: Formula,
        /// What a reader must know of the cached result: the printed value and the computed
        /// one when they differ (the printed value is cached), or that nothing was printed.
        note: Option<String>,
    },
}

impl FormSheet<'_> {
    fn write(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        self.page_setup(sheet)?;
        let last_column = (layout::COLUMNS - 1) as u16;
        sheet.merge_range(0, 0, 0, last_column, &self.layout.title, &title_format())?;
        sheet.set_row_height(0, TITLE_PT * 1.9)?;
        sheet.merge_range(
            1,
            0,
            1,
            last_column,
            &self.layout.subtitle,
            &subtitle_format(),
        )?;
        sheet.set_row_height(1, SUBTITLE_PT * 1.8)?;
        for (row_index, row) in self.layout.rows.iter().enumerate() {
            let sheet_row = FIRST_TABLE_ROW + row_index as u32;
            for cell in &row.cells {
                self.write_cell(sheet, sheet_row, cell)?;
            }
        }
        self.write_rule_scores(sheet)?;
        for (row_index, height) in row_heights(self.layout).into_iter().enumerate() {
            sheet.set_row_height(FIRST_TABLE_ROW + row_index as u32, height)?;
        }
        Ok(())
    }

    fn page_setup(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        for (column, width) in layout::COLUMN_WIDTHS.iter().enumerate() {
            sheet.set_column_width(column as u16, f64::from(*width) * WIDTH_SCALE)?;
        }
        sheet.set_column_width(RULE_SCORE_COLUMN, 10)?;
        sheet.set_column_hidden(TARGET_COLUMN)?;
        sheet.set_column_hidden(ACTUAL_COLUMN)?;
        // A4 (paper size 9), portrait, one page wide and as many pages long as needed.
        sheet.set_paper_size(9);
        sheet.set_portrait();
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_print_center_horizontally(true);
        sheet.set_margins(0.4, 0.4, 0.6, 0.7, 0.3, 0.3);
        sheet.set_footer("&C第 &P 页，共 &N 页");
        // The printed form is the official eight columns; 规则得分 is a working column.
        let last_row = FIRST_TABLE_ROW + self.layout.rows.len() as u32 - 1;
        sheet.set_print_area(0, 0, last_row, (layout::COLUMNS - 1) as u16)?;
        // Excel repeats one band of adjacent rows: the indicator heading, which a continued
        // indicator table needs; the title is only on the first page (above the funds and goals).
        let heading = FIRST_TABLE_ROW + self.layout.indicator_header as u32;
        sheet.set_repeat_rows(heading, heading)?;
        Ok(())
    }

    fn write_cell(&self, sheet: &mut Worksheet, row: u32, cell: &Cell) -> Result<(), XlsxError> {
        let column = cell.column as u16;
        let format = cell_format(cell.style, cell.severity);
        let content = self.content(cell);
        let merged = cell.colspan > 1 || cell.rowspan > 1;
        if merged {
            let text = match &content {
                Content::Value(Value::Text(text)) => text.as_str(),
                _ => "",
            };
            sheet.merge_range(
                row,
                column,
                row + cell.rowspan as u32 - 1,
                column + cell.colspan as u16 - 1,
                text,
                &format,
            )?;
        }
        let mut note_lines = Vec::new();
        match content {
            Content::Value(Value::Text(text)) => {
                if !merged {
                    sheet.write_string_with_format(row, column, text, &format)?;
                }
            }
            Content::Value(Value::Number(number)) => {
                sheet.write_number_with_format(row, column, to_f64(number), &format)?;
            }
            Content::Value(Value::Empty) => {
                if !merged {
                    sheet.write_blank(row, column, &format)?;
                }
            }
            Content::Formula { formula, note } => {
                sheet.write_formula_with_format(row, column, formula, &format)?;
                note_lines.extend(note);
            }
        }
        for finding in cell
            .findings
            .iter()
            .filter_map(|i| self.layout.findings.get(*i))
        {
            note_lines.push(format!(
                "【{}】{}",
                severity_label(finding.severity),
                finding.message
            ));
        }
        if !note_lines.is_empty() {
            let note = Note::new(note_lines.join("\n"))
                .set_author("jixiao")
                .add_author_prefix(false)
                .set_width(260);
            sheet.insert_note(row, column, &note)?;
        }
        Ok(())
    }

    /// The content of a cell: a formula where the form has arithmetic, else the layout's value.
    fn content(&self, cell: &Cell) -> Content {
        let formula = match cell.role {
            Role::FundsRate(source) => self.rate_formula(source),
            Role::ExecutionScore => self.execution_formula(),
            Role::TotalScore => self.total_formula(),
            Role::Grade => self.grade_formula(),
            _ => None,
        };
        let Some((formula, cached)) = formula else {
            return Content::Value(cell.value.clone());
        };
        // The cached result is what the form printed, so that the workbook shows the form as
        // published until it is recalculated, and reads back as the same form.
        let printed = match &cell.value {
            Value::Number(number) if cached.parse::<Decimal>().ok() == Some(*number) => None,
            Value::Text(text) if *text == cached => None,
            Value::Number(number) => Some(rounding::two_places(*number)),
            Value::Text(text) => Some(text.clone()),
            Value::Empty => {
                // Nothing printed to show: the computed value, said to be one.
                let note = format!("原表未填报；本格为按公式计算的{cached}");
                return Content::Formula {
                    formula: Formula::new(formula).set_result(cached),
                    note: Some(note),
                };
            }
        };
        match printed {
            Some(printed) => Content::Formula {
                note: Some(format!(
                    "原表填报：{printed}；按公式计算为{cached}（重新计算后本格显示计算值）"
                )),
                formula: Formula::new(formula).set_result(printed),
            },
            None => Content::Formula {
                formula: Formula::new(formula).set_result(cached),
                note: None,
            },
        }
    }

    /// 执行率 = 全年执行数 / 全年预算数 × 100, cut or rounded to two decimals as the profile says;
    /// 0 when the budget is 0 (rules.md §3).
    fn rate_formula(&self, source: FundsSource) -> Option<(String, String)> {
        let adjusted = self.address(Role::FundsAmount(source, FundsColumn::Adjusted))?;
        let executed = self.address(Role::FundsAmount(source, FundsColumn::Executed))?;
        let function = match self.profile.rate_rounding {
            RateRounding::Truncate => "ROUNDDOWN",
            RateRounding::HalfUp => "ROUND",
        };
        // The inner ROUND(…,10) drops binary noise first: 0.57/1*100 is 56.99999999999999 in
        // floating point, which a plain ROUNDDOWN cuts to 56.99. LibreOffice corrects this
        // itself; the inner ROUND makes it hold in any application. Ten places are exact for
        // budgets below 10^6 万元.
        let formula =
            format!("IF({adjusted}=0,0,{function}(ROUND({executed}/{adjusted}*100,10),2))");
        let row = funds_row(self.form, source);
        let budget = row.adjusted.unwrap_or_default();
        let rate = if budget.is_zero() {
            Decimal::ZERO
        } else if source == FundsSource::Total {
            self.scorecard.execution.rate.unwrap_or_default()
        } else {
            rounding::execution_rate(
                row.executed.unwrap_or_default(),
                budget,
                self.profile.rate_rounding,
            )
            .unwrap_or_default()
        };
        Some((formula, plain(rate)))
    }

    /// Execution score = round_half_up(min(执行数 / 全年预算数, 1) × 分值, 2) (rules.md §3);
    /// empty when the budget is 0.
    fn execution_formula(&self) -> Option<(String, String)> {
        let adjusted =
            self.address(Role::FundsAmount(FundsSource::Total, FundsColumn::Adjusted))?;
        let executed =
            self.address(Role::FundsAmount(FundsSource::Total, FundsColumn::Executed))?;
        let weight = self.address(Role::ExecutionWeight)?;
        let formula = format!(
            "IF({adjusted}=0,\"\",ROUND(ROUND(MIN({executed}/{adjusted},1)*{weight},10),2))"
        );
        Some((formula, self.execution_cached()))
    }

    fn execution_cached(&self) -> String {
        if self.form.funds.total.adjusted.unwrap_or_default().is_zero() {
            String::new()
        } else {
            plain(self.scorecard.execution.score.unwrap_or_default())
        }
    }

    /// 总分 = execution score + Σ indicator scores (rules.md §5), as printed in the 得分 column.
    fn total_formula(&self) -> Option<(String, String)> {
        let execution = self.address(Role::ExecutionScore)?;
        let n_indicators = self.form.indicators.len();
        let scores = if n_indicators == 0 {
            String::new()
        } else {
            let first = self.address(Role::Indicator(0, IndicatorField::Score))?;
            let last = self.address(Role::Indicator(n_indicators - 1, IndicatorField::Score))?;
            format!(",{first}:{last}")
        };
        let formula = format!("ROUND(SUM({execution}{scores}),2)");
        Some((formula, plain(self.total_cached())))
    }

    fn total_cached(&self) -> Decimal {
        let execution = self.execution_cached().parse().unwrap_or_default();
        rounding::sum(
            std::iter::once(execution).chain(
                self.form
                    .indicators
                    .iter()
                    .map(|indicator| indicator.score.unwrap_or_default()),
            ),
        )
    }

    /// 评分等级 from 总分 and the profile's bands (rules.md §5).
    fn grade_formula(&self) -> Option<(String, String)> {
        let total = self.address(Role::TotalScore)?;
        let bands = &self.profile.grade_bands;
        let formula = format!(
            "IF({total}>={},\"优\",IF({total}>={},\"良\",IF({total}>={},\"中\",\"差\")))",
            plain(bands.excellent),
            plain(bands.good),
            plain(bands.pass)
        );
        let grade = Grade::of(self.total_cached(), bands);
        Some((formula, grade.label().to_owned()))
    }

    /// 规则得分 (column I) of each quantitative indicator, with its target and actual numbers in
    /// the hidden columns J and K; blank bordered cells for the others.
    fn write_rule_scores(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        let heading = FIRST_TABLE_ROW + self.layout.indicator_header as u32;
        let label = cell_format(Style::Label, None).set_background_color(WORKING_FILL);
        sheet.write_string_with_format(heading, RULE_SCORE_COLUMN, "规则得分", &label)?;
        sheet.write_string(heading, TARGET_COLUMN, "目标值")?;
        sheet.write_string(heading, ACTUAL_COLUMN, "实际值")?;
        let number = cell_format(Style::Number, None).set_background_color(WORKING_FILL);
        for (index, rule) in self.scorecard.indicators.iter().enumerate() {
            let Some((row, weight_column)) =
                self.place(Role::Indicator(index, IndicatorField::Weight))
            else {
                continue;
            };
            let (Rule::Computed { score, .. }, Reading::Quantitative { target, actual }) =
                (&rule.rule, &rule.reading)
            else {
                sheet.write_blank(row, RULE_SCORE_COLUMN, &number)?;
                continue;
            };
            sheet.write_number(row, TARGET_COLUMN, to_f64(target.value))?;
            sheet.write_number(row, ACTUAL_COLUMN, to_f64(actual.value))?;
            let formula = rule_formula(
                target.op,
                &row_col_to_cell(row, TARGET_COLUMN),
                &row_col_to_cell(row, ACTUAL_COLUMN),
                &row_col_to_cell(row, weight_column),
                self.profile,
            );
            sheet.write_formula_with_format(
                row,
                RULE_SCORE_COLUMN,
                Formula::new(formula).set_result(plain(*score)),
                &number,
            )?;
        }
        Ok(())
    }

    /// The worksheet position of the cell with a role.
    fn place(&self, role: Role) -> Option<(u32, u16)> {
        self.layout
            .rows
            .iter()
            .enumerate()
            .find_map(|(row_index, row)| {
                let cell = row.cells.iter().find(|cell| cell.role == role)?;
                Some((FIRST_TABLE_ROW + row_index as u32, cell.column as u16))
            })
    }

    /// The A1 address of the cell with a role.
    fn address(&self, role: Role) -> Option<String> {
        self.place(role)
            .map(|(row, column)| row_col_to_cell(row, column))
    }
}

/// The rule score of a quantitative indicator as a formula of its target `t`, actual `a` and
/// weight `w` cells, following `score::indicator` (rules.md §4): a negative actual counts as 0;
/// positive and exact targets score min(a/t, 1)·w (full at t ≤ 0, and 0 for a missed `=0`);
/// reverse targets score full when met, 0 when t ≤ 0, else t/a·w (`ratio`) or
/// (1 − min((a−t)/t, 1))·w (`linear_2x`); a missed `manual` one has no rule score.
fn rule_formula(op: Op, target: &str, actual: &str, weight: &str, profile: &Profile) -> String {
    let a = format!("MAX({actual},0)");
    let t = target;
    let w = weight;
    // The inner ROUND(…,10) drops binary noise (as in `rate_formula`), so that a score ending
    // in 5 at the third decimal (17.35/20×10 = 8.675) rounds half up as the engine's exact
    // decimals do.
    let round = |expression: String| format!("ROUND(ROUND({expression},10),2)");
    match op.direction() {
        Direction::Positive => round(format!("IF({t}<=0,{w},MIN({a}/{t},1)*{w})")),
        Direction::Exact => round(format!(
            "IF({t}<0,{w},IF({t}=0,IF({a}>0,0,{w}),MIN({a}/{t},1)*{w}))"
        )),
        Direction::Reverse => {
            let met = if profile.strict_inequality && op == Op::Lt {
                format!("{a}<{t}")
            } else {
                format!("{a}<={t}")
            };
            match profile.reverse_formula {
                ReverseFormula::Ratio => round(format!("IF({met},{w},IF({t}<=0,0,{w}*{t}/{a}))")),
                ReverseFormula::Linear2x => round(format!(
                    "IF({met},{w},IF({t}<=0,0,{w}*MAX(1-MIN(({a}-{t})/{t},1),0)))"
                )),
                ReverseFormula::Manual => format!("IF({met},ROUND({w},2),\"\")"),
            }
        }
    }
}

fn funds_row(form: &Form, source: FundsSource) -> &FundsRow {
    match source {
        FundsSource::Total => &form.funds.total,
        FundsSource::Appropriation => &form.funds.appropriation,
        FundsSource::Carryover => &form.funds.carryover,
        FundsSource::Other => &form.funds.other,
    }
}

fn to_f64(number: Decimal) -> f64 {
    number.to_f64().unwrap_or_default()
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "错误",
        Severity::Warning => "警告",
        Severity::Info => "提示",
    }
}

/// The fill of 规则得分, a working column that is not part of the official form.
const WORKING_FILL: Color = Color::RGB(0xF2F2F2);

fn body_format() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_size(BODY_PT)
        // Charset 134 (GB2312) and family 3: what Chinese Excel writes beside 宋体.
        .set_font_charset(134)
        .set_font_family(3)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
}

fn title_format() -> Format {
    body_format()
        .set_font_size(TITLE_PT)
        .set_bold()
        .set_align(FormatAlign::Center)
}

fn subtitle_format() -> Format {
    body_format()
        .set_font_size(SUBTITLE_PT)
        .set_align(FormatAlign::Center)
}

/// A table cell's format: thin borders, wrapped text, vertically centred; labels bold and
/// centred, numbers right-aligned with two decimals; filled by the worst finding's severity.
fn cell_format(style: Style, severity: Option<Severity>) -> Format {
    let format = body_format().set_border(FormatBorder::Thin);
    let format = match style {
        Style::Label => format.set_bold().set_align(FormatAlign::Center),
        Style::Text => format.set_align(FormatAlign::Left),
        Style::Number => format.set_align(FormatAlign::Right).set_num_format("0.00"),
        Style::Centered => format.set_align(FormatAlign::Center),
    };
    match severity {
        // Excel's own 差 / 适中 / note colours.
        Some(Severity::Error) => format.set_background_color(Color::RGB(0xFFC7CE)),
        Some(Severity::Warning) => format.set_background_color(Color::RGB(0xFFEB9C)),
        Some(Severity::Info) => format.set_background_color(Color::RGB(0xDDEBF7)),
        None => format,
    }
}

/// Row heights in points. Neither Excel nor LibreOffice fits a row's height to wrapped text in
/// merged cells, so every row gets the height of its tallest cell, estimated from the text's
/// width; a cell merged down over rows grows the last of them when it needs more.
fn row_heights(layout: &Layout) -> Vec<f64> {
    let one_line = LINE_PT + PADDING_PT;
    let needed = |cell: &Cell| {
        let width = span_ems(cell.column, cell.colspan);
        let lines = match &cell.value {
            Value::Text(text) => wrapped_lines(text, width),
            _ => 1,
        };
        lines as f64 * LINE_PT + PADDING_PT
    };
    let mut heights: Vec<f64> = layout
        .rows
        .iter()
        .map(|row| {
            row.cells
                .iter()
                .filter(|cell| cell.rowspan == 1)
                .map(needed)
                .fold(one_line, f64::max)
        })
        .collect();
    for (row_index, row) in layout.rows.iter().enumerate() {
        for cell in row.cells.iter().filter(|cell| cell.rowspan > 1) {
            let last = (row_index + cell.rowspan).min(heights.len());
            let spanned: f64 = heights[row_index..last].iter().sum();
            let missing = needed(cell) - spanned;
            if missing > 0.0
                && let Some(height) = heights.get_mut(last - 1)
            {
                *height += missing;
            }
        }
    }
    heights
}

/// The width of columns `column..column + colspan`, in ems of the body font, less the padding.
fn span_ems(column: usize, colspan: usize) -> f64 {
    let pixels: f64 = layout::COLUMN_WIDTHS
        .iter()
        .skip(column)
        .take(colspan)
        .map(|width| f64::from(*width) * WIDTH_SCALE * 7.0 + 5.0)
        .sum();
    // 0.75 pt a pixel; 2 pt of cell padding.
    (pixels * 0.75 - 2.0) / BODY_PT
}

/// How many lines text takes in a width of `width` ems: CJK and full-width characters are one
/// em wide, others half. A paragraph that wraps gets 5 % of slack for the line-breaking rules
/// (no line starts with `，` or `。`, Latin words stay whole).
fn wrapped_lines(text: &str, width: f64) -> usize {
    let width = width.max(1.0);
    text.split('\n')
        .map(|paragraph| {
            let ems: f64 = paragraph
                .chars()
                .map(|ch| if ch.is_ascii() { 0.5 } else { 1.0 })
                .sum();
            if ems <= width {
                1
            } else {
                (ems / (width * 0.95)).ceil() as usize
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_follow_excel_rules() {
        let long = "上海市城市管理行政执法局城管执法队伍规范化建设及装备更新项目二〇二四年度";
        let names = sheet_names([
            "课题研究",
            "课题研究",
            "课题研究",
            "a/b:c*d?e[f]g\\h",
            long,
            long,
            "'引号'",
            "",
            "History",
            "KETI",
            "keti",
        ]);
        assert_eq!(names[0], "课题研究");
        assert_eq!(names[1], "课题研究(2)");
        assert_eq!(names[2], "课题研究(3)");
        assert_eq!(names[3], "a／b：c＊d？e［f］g＼h");
        assert_eq!(names[4].encode_utf16().count(), 31);
        assert!(long.starts_with(&names[4]));
        assert_eq!(names[5].encode_utf16().count(), 31);
        assert!(names[5].ends_with("(2)"));
        assert_eq!(names[6], "引号");
        assert_eq!(names[7], "自评表");
        assert_eq!(names[8], "History(2)");
        assert_eq!(names[10], "keti(2)");
    }

    #[test]
    fn wrapped_lines_count_cjk_as_one_em() {
        assert_eq!(wrapped_lines("一二三四", 4.0), 1);
        assert_eq!(wrapped_lines("一二三四五", 4.3), 2);
        assert_eq!(wrapped_lines("一二三四五六七八", 4.0), 3);
        assert_eq!(wrapped_lines("abcdefgh", 4.3), 1);
        assert_eq!(wrapped_lines("一\n二", 4.3), 2);
        assert_eq!(wrapped_lines("", 4.3), 1);
    }
}
