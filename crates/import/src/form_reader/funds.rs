//! The funds table (项目资金): its header, the four source rows, and the budget-execution
//! indicator carried by the 年度资金总额 row.
//!
//! The header names the columns (`年初预算数 全年预算数 全年执行数 分数 执行率(%) 得分` in the
//! Shanghai forms, `分值` and other orders elsewhere) and the unit. Values are taken by column when
//! the data row lines up with the header, else in header order. Amounts in 元 are converted to
//! 万元 exactly, with a warning, because the canonical JSON holds 万元.

use jixiao_core::model::{Execution, Funds, FundsRow, FundsSource};
use rust_decimal::Decimal;

use super::Notes;
use super::clean::{Amount, CellText, amount, clean, has};
use crate::cells::Row;

/// A column of the funds table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Initial,
    Adjusted,
    Executed,
    Weight,
    Rate,
    Score,
}

/// The order of the national template, used when a form has no header row.
const DEFAULT_ORDER: [Column; 6] = [
    Column::Initial,
    Column::Adjusted,
    Column::Executed,
    Column::Weight,
    Column::Rate,
    Column::Score,
];

/// The unit the amounts are printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Wan,
    Yuan,
}

/// The funds table as it is read.
#[derive(Debug, Default)]
pub(crate) struct FundsTable {
    columns: Vec<(usize, Column)>,
    yuan: bool,
    header_line: Option<usize>,
    rows: [Option<FundsRow>; 4],
    execution: Option<Execution>,
}

/// Whether a row is the funds header: it names 年初预算数 or 全年预算数.
pub(crate) fn is_header(cells: &[CellText]) -> bool {
    cells.iter().any(|cell| {
        let key = cell.key();
        has(key, "年初预算") || has(key, "全年预算")
    })
}

/// The funds source a row is about, with the index of its label cell among the non-empty cells.
pub(crate) fn source_of(cells: &[CellText]) -> Option<(FundsSource, usize)> {
    cells
        .iter()
        .take(2)
        .enumerate()
        .find_map(|(index, cell)| source_of_label(cell.key()).map(|source| (source, index)))
}

fn source_of_label(key: &str) -> Option<FundsSource> {
    match key {
        "年度资金总额" | "资金总额" | "年度资金总额(万元)" | "年度资金总额(元)" => {
            Some(FundsSource::Total)
        }
        "当年财政拨款" | "本年财政拨款" | "财政拨款" | "财政拨款资金" => {
            Some(FundsSource::Appropriation)
        }
        "上年结转资金" | "上年结转" | "上年结余资金" | "上年结转结余资金" => {
            Some(FundsSource::Carryover)
        }
        "其他资金" | "其它资金" => Some(FundsSource::Other),
        _ => None,
    }
}

fn column_of(key: &str) -> Option<Column> {
    if has(key, "执行率") {
        Some(Column::Rate)
    } else if has(key, "年初预算") {
        Some(Column::Initial)
    } else if has(key, "全年预算") || has(key, "调整后预算") {
        Some(Column::Adjusted)
    } else if has(key, "执行数") || has(key, "实际执行") || has(key, "实际支出") {
        Some(Column::Executed)
    } else if has(key, "分值") || has(key, "分数") || has(key, "权重") {
        Some(Column::Weight)
    } else if has(key, "得分") {
        Some(Column::Score)
    } else {
        None
    }
}

fn unit_of(key: &str) -> Option<Unit> {
    if has(key, "万元") {
        Some(Unit::Wan)
    } else if has(key, "(元)") || key.ends_with('元') {
        Some(Unit::Yuan)
    } else {
        None
    }
}

impl FundsTable {
    /// Reads the header row: the column of each value and the unit.
    pub(crate) fn header(&mut self, row: &Row, cells: &[CellText], notes: &mut Notes) {
        self.header_line = Some(row.line);
        self.columns = cells
            .iter()
            .filter_map(|cell| column_of(cell.key()).map(|column| (cell.column, column)))
            .collect();
        let unit = cells.iter().find_map(|cell| unit_of(cell.key()));
        self.yuan = unit == Some(Unit::Yuan);
        if self.yuan {
            notes.warn(
                row.line,
                "项目资金的单位是元，金额已换算为万元（除以10000）".to_owned(),
            );
        }
    }

    /// Reads one source row (年度资金总额, 当年财政拨款, 上年结转资金, 其他资金).
    pub(crate) fn data(&mut self, row: &Row, source: FundsSource, label: usize, notes: &mut Notes) {
        // The values are read in place, not collected: every funds row is read.
        let values = || row.non_empty().skip(label + 1);
        let mut funds_row = FundsRow {
            initial: None,
            adjusted: None,
            executed: None,
            rate: None,
        };
        let mut execution = Execution {
            weight: None,
            rate: None,
            score: None,
        };
        let yuan = self.yuan;
        let mut read = |column: Column, text: &str, notes: &mut Notes| {
            let value = match amount(text) {
                Amount::Blank => None,
                Amount::Number(value) => Some(value),
                Amount::Unreadable(text) => {
                    notes.warn(
                        row.line,
                        format!("{}行的“{}”不是数字，记为空", source.label(), clean(&text)),
                    );
                    None
                }
            };
            let is_amount = matches!(
                column,
                Column::Initial | Column::Adjusted | Column::Executed
            );
            let value = if is_amount && yuan {
                value.map(yuan_to_wan)
            } else {
                value
            };
            match column {
                Column::Initial => funds_row.initial = value,
                Column::Adjusted => funds_row.adjusted = value,
                Column::Executed => funds_row.executed = value,
                Column::Rate => {
                    funds_row.rate = value;
                    execution.rate = value;
                }
                Column::Weight => execution.weight = value,
                Column::Score => execution.score = value,
            }
        };
        let column_at = |at: usize| {
            self.columns
                .iter()
                .find(|(column, _)| *column == at)
                .map(|(_, column)| *column)
        };
        let aligned =
            !self.columns.is_empty() && values().all(|cell| column_at(cell.column).is_some());
        if aligned {
            for cell in values() {
                if let Some(column) = column_at(cell.column) {
                    read(column, &cell.text, notes);
                }
            }
        } else {
            let order: Vec<Column> = if self.columns.is_empty() {
                if self.header_line.is_none() {
                    notes.warn(
                        row.line,
                        "项目资金没有表头，按“年初预算数 全年预算数 全年执行数 分值 执行率 得分”的顺序读取"
                            .to_owned(),
                    );
                }
                DEFAULT_ORDER.to_vec()
            } else {
                self.columns.iter().map(|(_, column)| *column).collect()
            };
            let count = values().count();
            if count != order.len() {
                notes.warn(
                    row.line,
                    format!(
                        "{}行有{}个数值，表头有{}列，按顺序读取",
                        source.label(),
                        count,
                        order.len()
                    ),
                );
            }
            for (column, cell) in order.iter().zip(values()) {
                read(*column, &cell.text, notes);
            }
        }
        if let Some(slot) = self.rows.get_mut(source_index(source)) {
            if slot.is_some() {
                notes.warn(
                    row.line,
                    format!("{}行重复出现，以这一行为准", source.label()),
                );
            }
            *slot = Some(funds_row);
        }
        if source == FundsSource::Total {
            self.execution = Some(execution);
        }
    }

    /// Whether the 年度资金总额 row was read.
    pub(crate) fn has_total(&self) -> bool {
        self.rows.first().is_some_and(Option::is_some)
    }

    /// The line of the header, if any.
    pub(crate) fn header_line(&self) -> Option<usize> {
        self.header_line
    }

    /// The funds and execution; missing rows are empty, with a warning at `line`.
    pub(crate) fn finish(self, line: usize, notes: &mut Notes) -> (Funds, Execution) {
        let [total, appropriation, carryover, other] = self.rows;
        let mut take = |row: Option<FundsRow>, source: FundsSource| {
            row.unwrap_or_else(|| {
                notes.warn(line, format!("没有找到{}行，记为空", source.label()));
                FundsRow {
                    initial: None,
                    adjusted: None,
                    executed: None,
                    rate: None,
                }
            })
        };
        let funds = Funds {
            total: take(total, FundsSource::Total),
            appropriation: take(appropriation, FundsSource::Appropriation),
            carryover: take(carryover, FundsSource::Carryover),
            other: take(other, FundsSource::Other),
        };
        let execution = self.execution.unwrap_or(Execution {
            weight: None,
            rate: None,
            score: None,
        });
        (funds, execution)
    }
}

fn source_index(source: FundsSource) -> usize {
    match source {
        FundsSource::Total => 0,
        FundsSource::Appropriation => 1,
        FundsSource::Carryover => 2,
        FundsSource::Other => 3,
    }
}

/// 元 → 万元, exactly: the printed digits move four places, then trailing zeros beyond two
/// decimals are dropped (`400000.00` → `40.00`, `123456.78` → `12.345678`).
fn yuan_to_wan(value: Decimal) -> Decimal {
    let mut wan = value;
    if wan.set_scale(value.scale() + 4).is_err() {
        return value.checked_div(Decimal::from(10_000)).unwrap_or(value);
    }
    let mut normal = wan.normalize();
    if normal.scale() < 2 {
        normal.rescale(2);
    }
    normal
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn yuan_become_wan_exactly() {
        let wan = |text: &str| yuan_to_wan(Decimal::from_str(text).unwrap_or_default()).to_string();
        assert_eq!(wan("400000.00"), "40.00");
        assert_eq!(wan("123456.78"), "12.345678");
        assert_eq!(wan("0"), "0.00");
        assert_eq!(wan("302000"), "30.20");
    }
}
