//! CSV for spreadsheets: one row per indicator (三级指标), the form's fields repeated on each, so
//! that a pivot table or a filter works on any column. UTF-8 with a byte-order mark, so that Excel
//! opens the Chinese text correctly.

use std::io::{self, Write};

use jixiao_core::model::{Form, FundsRow, Indicator};
use rust_decimal::Decimal;

/// The column headings, in Chinese as users read them.
pub const HEADER: &[&str] = &[
    "年度",
    "项目名称",
    "主管部门",
    "实施单位",
    "资金总额年初预算数",
    "资金总额全年预算数",
    "资金总额全年执行数",
    "资金总额执行率",
    "财政拨款年初预算数",
    "财政拨款全年预算数",
    "财政拨款全年执行数",
    "财政拨款执行率",
    "上年结转年初预算数",
    "上年结转全年预算数",
    "上年结转全年执行数",
    "上年结转执行率",
    "其他资金年初预算数",
    "其他资金全年预算数",
    "其他资金全年执行数",
    "其他资金执行率",
    "预算执行分值",
    "预算执行得分",
    "预期目标",
    "实际完成情况",
    "总分分值",
    "总分",
    "评分等级",
    "指标序号",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
];

/// Writes forms as CSV rows, after a byte-order mark and the header.
pub struct CsvWriter<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    /// Starts a CSV document on `sink`.
    pub fn new(mut sink: W) -> io::Result<CsvWriter<W>> {
        sink.write_all("\u{feff}".as_bytes())?;
        let mut writer = csv::Writer::from_writer(sink);
        writer.write_record(HEADER).map_err(io::Error::other)?;
        Ok(CsvWriter { writer })
    }

    /// Writes one form: a row per indicator, or one row with empty indicator columns.
    pub fn write_form(&mut self, form: &Form) -> io::Result<()> {
        let mut fields = vec![
            form.year.to_string(),
            form.project.clone(),
            form.department.clone(),
            form.implementing_unit.clone(),
        ];
        for row in [
            &form.funds.total,
            &form.funds.appropriation,
            &form.funds.carryover,
            &form.funds.other,
        ] {
            fields.extend(funds(row));
        }
        fields.extend([
            number(form.execution.weight),
            number(form.execution.score),
            form.goals.expected.clone(),
            form.goals.actual.clone(),
            number(form.total.weight),
            number(form.total.score),
            form.grade.clone(),
        ]);
        if form.indicators.is_empty() {
            let record = fields
                .iter()
                .cloned()
                .chain(std::iter::repeat_n(String::new(), 9));
            return self.writer.write_record(record).map_err(io::Error::other);
        }
        for (index, indicator) in form.indicators.iter().enumerate() {
            let record = fields
                .iter()
                .cloned()
                .chain(indicator_fields(index, indicator));
            self.writer.write_record(record).map_err(io::Error::other)?;
        }
        Ok(())
    }

    /// Flushes and returns the sink.
    pub fn finish(self) -> io::Result<W> {
        self.writer
            .into_inner()
            .map_err(|err| io::Error::other(err.to_string()))
    }
}

fn funds(row: &FundsRow) -> [String; 4] {
    [
        number(row.initial),
        number(row.adjusted),
        number(row.executed),
        number(row.rate),
    ]
}

fn indicator_fields(index: usize, indicator: &Indicator) -> [String; 9] {
    [
        (index + 1).to_string(),
        indicator.level1.clone(),
        indicator.level2.clone(),
        indicator.name.clone(),
        indicator.target.clone(),
        indicator.actual.clone(),
        number(indicator.weight),
        number(indicator.score),
        indicator.note.clone(),
    ]
}

fn number(value: Option<Decimal>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}
