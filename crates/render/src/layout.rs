//! The official form as one table model, behind every visual format (HTML, XLSX, PDF).
//!
//! The 财政项目支出绩效自评表 is an eight-column grid with merged cells. `layout` builds it once
//! from a form (and, when given, its audit); each renderer only draws it. A cell knows its role
//! (which value of the form it shows), so the XLSX writer can put formulas where the form has
//! arithmetic, and findings are attached to the cells they are about.
//!
//! Columns, as the published forms have them:
//! `A 一级指标 | B 二级指标 | C 三级指标 | D 年度指标值 | E 实际完成值 | F 分值 | G 得分 | H 偏差原因…`.

use jixiao_core::audit::Audit;
use jixiao_core::finding::{Code, Place, Severity};
use jixiao_core::model::{Form, FundsSource};
use rust_decimal::Decimal;

/// The number of columns of the form.
pub const COLUMNS: usize = 8;

/// Relative column widths (in characters of a 10.5 pt CJK font), as the published forms look.
pub const COLUMN_WIDTHS: [u16; COLUMNS] = [8, 10, 18, 14, 14, 8, 8, 26];

/// The indicator table's heading, as the official form prints it (and the text layout too).
pub const INDICATOR_HEADING: [&str; COLUMNS] = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
];

/// One form laid out.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// `财政项目支出绩效自评表`.
    pub title: String,
    /// `(2024年度)`.
    pub subtitle: String,
    /// The rows of the table, top to bottom.
    pub rows: Vec<Row>,
    /// The index of the indicator header row: printed again at the top of each page.
    pub indicator_header: usize,
    /// The findings, when the form was laid out with its audit, in the audit's order; cells refer
    /// to them by index.
    pub findings: Vec<Marked>,
    /// The rule total and grade, when laid out with an audit.
    pub rule: Option<(Decimal, String)>,
}

/// A finding as the layout shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Marked {
    /// The code.
    pub code: Code,
    /// The severity.
    pub severity: Severity,
    /// The indicator's name or the field path.
    pub place: String,
    /// The message.
    pub message: String,
    /// Which cell it is about.
    pub role: Role,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What part of the form the row belongs to.
    pub kind: RowKind,
    /// The cells that start in this row, left to right. A cell covered by a merge from the left
    /// or from above is not listed.
    pub cells: Vec<Cell>,
}

/// The parts of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// 项目名称, 主管部门 and 实施单位.
    Header,
    /// The funds table's heading row.
    FundsHeading,
    /// A row of the funds table.
    Funds(FundsSource),
    /// The goals' heading row.
    GoalsHeading,
    /// The goals' text.
    Goals,
    /// The indicator table's heading row.
    IndicatorHeading,
    /// An indicator, by its index in `Form::indicators`.
    Indicator(usize),
    /// 总分.
    Total,
    /// 评分等级.
    Grade,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// 0-based first column.
    pub column: usize,
    /// Columns covered (≥ 1).
    pub colspan: usize,
    /// Rows covered (≥ 1).
    pub rowspan: usize,
    /// What it shows.
    pub value: Value,
    /// How it looks.
    pub style: Style,
    /// Which value of the form it is.
    pub role: Role,
    /// The worst severity of the findings about this cell.
    pub severity: Option<Severity>,
    /// Indices into `Layout::findings` of the findings about this cell.
    pub findings: Vec<usize>,
}

/// A cell's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text, printed as is (paragraphs separated by `\n`).
    Text(String),
    /// A number, printed with its own scale (`40.00`).
    Number(Decimal),
    /// Nothing (a value the form lacks is also `Empty`).
    Empty,
}

/// How a cell looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A label of the form (`项目名称`, `一级指标`): bold, centred.
    Label,
    /// Form data in text: left-aligned, wraps.
    Text,
    /// A number: right-aligned, `0.00`.
    Number,
    /// A short centred value (a level label, a target, a grade).
    Centered,
}

/// Which value of the form a cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A label or heading of the form.
    Label,
    /// The indicator table's first heading (`一级指标`): findings about the whole indicator tree
    /// (level-1 weights, a missing level-1 group) are shown here.
    IndicatorHeading,
    /// 项目名称, 主管部门, 实施单位.
    Project,
    /// 主管部门.
    Department,
    /// 实施单位.
    ImplementingUnit,
    /// An amount of the funds table.
    FundsAmount(FundsSource, FundsColumn),
    /// 执行率 of a funds row.
    FundsRate(FundsSource),
    /// The weight of budget execution.
    ExecutionWeight,
    /// The budget-execution score.
    ExecutionScore,
    /// 预期目标.
    GoalsExpected,
    /// 实际完成情况.
    GoalsActual,
    /// An indicator's 一级指标 label (merged over its group).
    Level1(usize),
    /// An indicator's 二级指标 label (merged over its group).
    Level2(usize),
    /// An indicator's field.
    Indicator(usize, IndicatorField),
    /// 总分's weight.
    TotalWeight,
    /// 总分's score.
    TotalScore,
    /// 评分等级.
    Grade,
}

/// The amount columns of the funds table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FundsColumn {
    /// 年初预算数.
    Initial,
    /// 全年预算数.
    Adjusted,
    /// 全年执行数.
    Executed,
}

/// The fields of an indicator row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorField {
    /// 三级指标.
    Name,
    /// 年度指标值.
    Target,
    /// 实际完成值.
    Actual,
    /// 分值.
    Weight,
    /// 得分.
    Score,
    /// 偏差原因分析及改进措施.
    Note,
}

impl Cell {
    fn new(column: usize, colspan: usize, value: Value, style: Style, role: Role) -> Cell {
        Cell {
            column,
            colspan,
            rowspan: 1,
            value,
            style,
            role,
            severity: None,
            findings: Vec::new(),
        }
    }

    fn label(column: usize, colspan: usize, text: &str) -> Cell {
        Cell::new(
            column,
            colspan,
            Value::Text(text.to_owned()),
            Style::Label,
            Role::Label,
        )
    }

    fn text(column: usize, colspan: usize, text: &str, role: Role) -> Cell {
        Cell::new(
            column,
            colspan,
            Value::Text(text.to_owned()),
            Style::Text,
            role,
        )
    }

    fn number(column: usize, value: Option<Decimal>, role: Role) -> Cell {
        Cell::new(
            column,
            1,
            value.map_or(Value::Empty, Value::Number),
            Style::Number,
            role,
        )
    }

    /// The cell's content as a person reads it.
    pub fn display(&self) -> String {
        match &self.value {
            Value::Text(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            Value::Empty => String::new(),
        }
    }
}

/// Lays a form out; with its audit, findings are attached to their cells.
pub fn layout(form: &Form, audit: Option<&Audit>) -> Layout {
    let mut rows = Vec::new();
    rows.push(Row {
        kind: RowKind::Header,
        cells: vec![
            Cell::label(0, 2, "项目名称"),
            Cell::text(2, 6, &form.project, Role::Project),
        ],
    });
    rows.push(Row {
        kind: RowKind::Header,
        cells: vec![
            Cell::label(0, 2, "主管部门"),
            Cell::text(2, 2, &form.department, Role::Department),
            Cell::label(4, 2, "实施单位"),
            Cell::text(6, 2, &form.implementing_unit, Role::ImplementingUnit),
        ],
    });
    funds_rows(form, &mut rows);
    goals_rows(form, &mut rows);
    let indicator_header = rows.len();
    rows.push(Row {
        kind: RowKind::IndicatorHeading,
        cells: INDICATOR_HEADING
            .iter()
            .enumerate()
            .map(|(column, text)| {
                let mut cell = Cell::label(column, 1, text);
                if column == 0 {
                    cell.role = Role::IndicatorHeading;
                }
                cell
            })
            .collect(),
    });
    indicator_rows(form, &mut rows);
    rows.push(Row {
        kind: RowKind::Total,
        cells: vec![
            Cell::label(0, 5, "总分"),
            Cell::number(5, form.total.weight, Role::TotalWeight),
            Cell::number(6, form.total.score, Role::TotalScore),
            Cell::new(7, 1, Value::Empty, Style::Text, Role::Label),
        ],
    });
    rows.push(Row {
        kind: RowKind::Grade,
        cells: vec![
            Cell::label(0, 5, "评分等级"),
            Cell::new(
                5,
                3,
                Value::Text(form.grade.clone()),
                Style::Centered,
                Role::Grade,
            ),
        ],
    });
    let mut layout = Layout {
        title: "财政项目支出绩效自评表".to_owned(),
        subtitle: format!("({}年度)", form.year),
        rows,
        indicator_header,
        findings: Vec::new(),
        rule: None,
    };
    if let Some(audit) = audit {
        mark(&mut layout, form, audit);
    }
    layout
}

fn funds_rows(form: &Form, rows: &mut Vec<Row>) {
    let mut heading = vec![
        Cell::label(0, 1, "项目资金（万元）"),
        Cell::new(1, 1, Value::Empty, Style::Label, Role::Label),
    ];
    for (offset, text) in [
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率(%)",
        "得分",
    ]
    .iter()
    .enumerate()
    {
        heading.push(Cell::label(2 + offset, 1, text));
    }
    heading[0].rowspan = 5;
    rows.push(Row {
        kind: RowKind::FundsHeading,
        cells: heading,
    });
    for (source, row) in form.funds.rows() {
        let label = match source {
            FundsSource::Total => "年度资金总额",
            FundsSource::Appropriation => "其中：当年财政拨款",
            FundsSource::Carryover => "上年结转资金",
            FundsSource::Other => "其他资金",
        };
        let mut cells = vec![
            Cell::label(1, 1, label),
            Cell::number(
                2,
                row.initial,
                Role::FundsAmount(source, FundsColumn::Initial),
            ),
            Cell::number(
                3,
                row.adjusted,
                Role::FundsAmount(source, FundsColumn::Adjusted),
            ),
            Cell::number(
                4,
                row.executed,
                Role::FundsAmount(source, FundsColumn::Executed),
            ),
        ];
        if source == FundsSource::Total {
            cells.push(Cell::number(
                5,
                form.execution.weight,
                Role::ExecutionWeight,
            ));
            cells.push(Cell::number(6, row.rate, Role::FundsRate(source)));
            cells.push(Cell::number(7, form.execution.score, Role::ExecutionScore));
        } else {
            let dash = || Value::Text("-".to_owned());
            cells.push(Cell::new(5, 1, dash(), Style::Centered, Role::Label));
            cells.push(Cell::number(6, row.rate, Role::FundsRate(source)));
            cells.push(Cell::new(7, 1, dash(), Style::Centered, Role::Label));
        }
        rows.push(Row {
            kind: RowKind::Funds(source),
            cells,
        });
    }
}

fn goals_rows(form: &Form, rows: &mut Vec<Row>) {
    let mut heading = Cell::label(0, 1, "年度总体目标");
    heading.rowspan = 2;
    rows.push(Row {
        kind: RowKind::GoalsHeading,
        cells: vec![
            heading,
            Cell::label(1, 3, "预期目标"),
            Cell::label(4, 4, "实际完成情况"),
        ],
    });
    rows.push(Row {
        kind: RowKind::Goals,
        cells: vec![
            Cell::text(1, 3, &form.goals.expected, Role::GoalsExpected),
            Cell::text(4, 4, &form.goals.actual, Role::GoalsActual),
        ],
    });
}

/// Indicator rows; the 一级 and 二级 labels are merged down over their runs, as printed forms do.
fn indicator_rows(form: &Form, rows: &mut Vec<Row>) {
    let indicators = &form.indicators;
    let run = |start: usize, same: &dyn Fn(usize) -> bool| {
        (start..indicators.len())
            .take_while(|index| same(*index))
            .count()
    };
    for (index, indicator) in indicators.iter().enumerate() {
        let mut cells = Vec::new();
        let level1_starts = index == 0 || indicators[index - 1].level1 != indicator.level1;
        if level1_starts {
            let mut cell = Cell::new(
                0,
                1,
                Value::Text(indicator.level1.clone()),
                Style::Centered,
                Role::Level1(index),
            );
            cell.rowspan = run(index, &|i| indicators[i].level1 == indicator.level1);
            cells.push(cell);
        }
        let level2_starts = level1_starts || indicators[index - 1].level2 != indicator.level2;
        if level2_starts {
            let mut cell = Cell::new(
                1,
                1,
                Value::Text(indicator.level2.clone()),
                Style::Centered,
                Role::Level2(index),
            );
            cell.rowspan = run(index, &|i| {
                indicators[i].level1 == indicator.level1 && indicators[i].level2 == indicator.level2
            });
            cells.push(cell);
        }
        let field = |field| Role::Indicator(index, field);
        cells.push(Cell::text(
            2,
            1,
            &indicator.name,
            field(IndicatorField::Name),
        ));
        cells.push(Cell::new(
            3,
            1,
            Value::Text(indicator.target.clone()),
            Style::Centered,
            field(IndicatorField::Target),
        ));
        cells.push(Cell::new(
            4,
            1,
            Value::Text(indicator.actual.clone()),
            Style::Centered,
            field(IndicatorField::Actual),
        ));
        cells.push(Cell::number(
            5,
            indicator.weight,
            field(IndicatorField::Weight),
        ));
        cells.push(Cell::number(
            6,
            indicator.score,
            field(IndicatorField::Score),
        ));
        cells.push(Cell::text(
            7,
            1,
            &indicator.note,
            field(IndicatorField::Note),
        ));
        rows.push(Row {
            kind: RowKind::Indicator(index),
            cells,
        });
    }
}

/// Attaches each finding to the cell it is about.
fn mark(layout: &mut Layout, form: &Form, audit: &Audit) {
    layout.rule = Some((
        audit.scorecard.total,
        audit.scorecard.grade.label().to_owned(),
    ));
    for finding in &audit.findings {
        let role = role_of(finding.code, &finding.place);
        let index = layout.findings.len();
        layout.findings.push(Marked {
            code: finding.code,
            severity: finding.severity,
            place: jixiao_core::report::place_name(form, &finding.place),
            message: finding.message().into_owned(),
            role,
        });
        if let Some(cell) = layout
            .rows
            .iter_mut()
            .flat_map(|row| row.cells.iter_mut())
            .find(|cell| cell.role == role)
        {
            cell.findings.push(index);
            cell.severity = cell.severity.max(Some(finding.severity));
        }
    }
}

/// The cell a finding is about: the value it says is wrong.
pub fn role_of(code: Code, place: &Place) -> Role {
    match place {
        Place::Indicator(index) => Role::Indicator(*index, indicator_field(code)),
        Place::Field(path) => field_role(path),
        Place::Path(path) => field_role(path),
    }
}

fn indicator_field(code: Code) -> IndicatorField {
    match code {
        Code::UnitMismatch
        | Code::QualitativeGradeUnknown
        | Code::Overachieved
        | Code::LooseReverseTarget => IndicatorField::Actual,
        Code::TargetEmpty
        | Code::ZeroTarget
        | Code::CountUpperBound
        | Code::SatisfactionForm
        | Code::SatisfactionLow
        | Code::VagueTarget => IndicatorField::Target,
        Code::NoteMissing | Code::NoteContradicts => IndicatorField::Note,
        Code::LevelPair | Code::ExecutionAsIndicator | Code::DuplicateIndicator => {
            IndicatorField::Name
        }
        _ => IndicatorField::Score,
    }
}

fn field_role(path: &str) -> Role {
    let source = |key: &str| match key {
        "appropriation" => FundsSource::Appropriation,
        "carryover" => FundsSource::Carryover,
        "other" => FundsSource::Other,
        _ => FundsSource::Total,
    };
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["funds", row, "rate"] => Role::FundsRate(source(row)),
        ["funds", row, "initial"] => Role::FundsAmount(source(row), FundsColumn::Initial),
        ["funds", row, "adjusted"] => Role::FundsAmount(source(row), FundsColumn::Adjusted),
        ["funds", row, "executed"] => Role::FundsAmount(source(row), FundsColumn::Executed),
        ["execution", "rate"] => Role::FundsRate(FundsSource::Total),
        ["execution", "weight"] => Role::ExecutionWeight,
        ["execution", "score"] => Role::ExecutionScore,
        ["total", "weight"] => Role::TotalWeight,
        ["total", "score"] => Role::TotalScore,
        ["grade"] => Role::Grade,
        // Form-wide findings (level-1 weights, a missing level) sit on the indicator heading.
        _ => Role::IndicatorHeading,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Vec<Form> {
        jixiao_core::json::forms_from_str(include_str!(
            "../../../examples/2024-shanghai-cgj-selfeval.json"
        ))
        .unwrap()
    }

    /// Every column of every row is covered exactly once, by a cell that starts there or by a
    /// merge from the left or from above.
    #[test]
    fn every_grid_position_is_covered_once() {
        for form in seed() {
            let layout = layout(&form, None);
            let mut covered = vec![[0u8; COLUMNS]; layout.rows.len()];
            for (row_index, row) in layout.rows.iter().enumerate() {
                for cell in &row.cells {
                    for covered_row in &mut covered[row_index..row_index + cell.rowspan] {
                        for count in &mut covered_row[cell.column..cell.column + cell.colspan] {
                            *count += 1;
                        }
                    }
                }
            }
            for (row_index, row) in covered.iter().enumerate() {
                assert_eq!(row, &[1u8; COLUMNS], "{}: row {row_index}", form.project);
            }
        }
    }

    #[test]
    fn level_labels_merge_over_their_groups() {
        let form = &seed()[1];
        let layout = layout(form, None);
        let level1: Vec<(String, usize)> = layout
            .rows
            .iter()
            .flat_map(|row| &row.cells)
            .filter(|cell| matches!(cell.role, Role::Level1(_)))
            .map(|cell| (cell.display(), cell.rowspan))
            .collect();
        let count = |name: &str| form.indicators.iter().filter(|i| i.level1 == name).count();
        assert_eq!(
            level1,
            [
                ("产出指标".into(), count("产出指标")),
                ("效益指标".into(), count("效益指标")),
                ("满意度指标".into(), count("满意度指标"))
            ]
        );
    }

    #[test]
    fn every_value_of_the_form_appears() {
        for form in seed() {
            let layout = layout(&form, None);
            let shown: Vec<String> = layout
                .rows
                .iter()
                .flat_map(|row| &row.cells)
                .map(Cell::display)
                .collect();
            for indicator in &form.indicators {
                for text in [
                    &indicator.name,
                    &indicator.target,
                    &indicator.actual,
                    &indicator.note,
                ] {
                    assert!(shown.contains(text), "{}: {text}", form.project);
                }
            }
            assert!(shown.contains(&form.goals.expected) && shown.contains(&form.project));
        }
    }

    #[test]
    fn findings_are_attached_to_their_cells() {
        let form = &seed()[14];
        let profile = jixiao_core::Profile::builtin("shanghai").unwrap();
        let audit = jixiao_core::audit::audit(form, &profile);
        let layout = layout(form, Some(&audit));
        let score = layout
            .rows
            .iter()
            .flat_map(|row| &row.cells)
            .find(|cell| cell.role == Role::Indicator(0, IndicatorField::Score))
            .unwrap();
        assert_eq!(score.severity, Some(Severity::Error));
        assert_eq!(
            layout.findings[score.findings[0]].code,
            Code::ScoreAboveRule
        );
        assert_eq!(
            layout.rule.as_ref().map(|(_, grade)| grade.as_str()),
            Some("良")
        );
    }

    #[test]
    fn form_wide_findings_sit_on_the_indicator_heading() {
        let form = &seed()[0];
        let profile = jixiao_core::Profile::builtin("national").unwrap();
        let audit = jixiao_core::audit::audit(form, &profile);
        assert!(audit.findings.iter().any(|f| f.code == Code::Level1Weights));
        let layout = layout(form, Some(&audit));
        let heading = &layout.rows[layout.indicator_header].cells[0];
        assert_eq!(heading.role, Role::IndicatorHeading);
        let codes: Vec<Code> = heading
            .findings
            .iter()
            .map(|i| layout.findings[*i].code)
            .collect();
        assert!(codes.contains(&Code::Level1Weights), "{codes:?}");
        assert!(layout.rows[0].cells[0].findings.is_empty());
    }
}
