//! XLSX: the workbook read back with calamine (sheets, values, merges, formulas) and recalculated
//! by headless LibreOffice (the formulas give what the engine gives).

use std::io::Cursor;
use std::path::Path;
use std::time::Instant;

use calamine::{Data, Reader, Xlsx};
use jixiao_core::grade::Grade;
use jixiao_core::model::{Form, FundsSource};
use jixiao_core::score::{self, Rule, Scorecard};
use jixiao_core::{Profile, rounding};
use jixiao_import::Format;
use jixiao_render::Item;
use jixiao_render::layout::{self, FundsColumn, IndicatorField, Layout, Role, Value};
use jixiao_render::xlsx::{self, FIRST_TABLE_ROW, RULE_SCORE_COLUMN};
use rust_decimal::Decimal;

use crate::support::{assert_imported, audited_items, audits, items, seed, soffice};

fn workbook(forms: &[Form], profile: &Profile) -> Vec<u8> {
    xlsx::document(&items(forms), profile).unwrap()
}

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

/// The worksheet position (row, column) of the cell with a role.
fn place(layout: &Layout, role: Role) -> (usize, usize) {
    layout
        .rows
        .iter()
        .enumerate()
        .find_map(|(row_index, row)| {
            let cell = row.cells.iter().find(|cell| cell.role == role)?;
            Some((FIRST_TABLE_ROW as usize + row_index, cell.column))
        })
        .unwrap_or_else(|| panic!("no cell {role:?}"))
}

/// What the formulas must give for a form: the engine's rule values, and the total of the
/// printed scores (rules.md §3, §5).
struct Expected {
    /// 执行率 of each funds row; 0 where the budget is 0.
    rates: Vec<(FundsSource, Decimal)>,
    execution_score: Decimal,
    total: Decimal,
    grade: &'static str,
    /// The rule score of each quantitative indicator, none for the others.
    rule_scores: Vec<Option<Decimal>>,
}

fn expected(form: &Form, profile: &Profile) -> Expected {
    let scorecard: Scorecard = score::score(form, profile);
    let rates = form
        .funds
        .rows()
        .iter()
        .map(|(source, row)| {
            let rate = if *source == FundsSource::Total {
                scorecard.execution.rate
            } else {
                rounding::execution_rate(
                    row.executed.unwrap_or_default(),
                    row.adjusted.unwrap_or_default(),
                    profile.rate_rounding,
                )
            };
            (*source, rate.unwrap_or_default())
        })
        .collect();
    let execution_score = scorecard.execution.score.unwrap();
    let total = execution_score
        + form
            .indicators
            .iter()
            .map(|indicator| indicator.score.unwrap_or_default())
            .sum::<Decimal>();
    Expected {
        rates,
        execution_score,
        total,
        grade: Grade::of(total, &profile.grade_bands).label(),
        rule_scores: scorecard
            .indicators
            .iter()
            .map(|rule| match rule.rule {
                Rule::Computed { score, .. } => Some(score),
                _ => None,
            })
            .collect(),
    }
}

/// Whether a cell holds this number (as the nearest double).
fn is_number(shown: &Data, expected: Decimal) -> bool {
    let Data::Float(float) = shown else {
        return false;
    };
    Decimal::from_f64_retain(*float).map(|number| number.round_dp(8)) == Some(expected)
}

#[test]
fn every_value_and_merge_of_the_layout_is_in_its_sheet() {
    let forms = seed();
    let profile = Profile::builtin("shanghai").unwrap();
    let mut book = open(workbook(forms, &profile));
    let projects: Vec<&str> = forms.iter().map(|form| form.project.as_str()).collect();
    assert_eq!(book.sheet_names(), projects);
    for form in forms {
        let layout = layout::layout(form, None);
        let expected = expected(form, &profile);
        let range = book.worksheet_range(&form.project).unwrap();
        let at = |(row, column): (usize, usize)| {
            range
                .get_value((row as u32, column as u32))
                .cloned()
                .unwrap_or(Data::Empty)
        };
        assert_eq!(at((0, 0)), Data::String(layout.title.clone()));
        assert_eq!(at((1, 0)), Data::String(layout.subtitle.clone()));
        // Every value of the layout, at its place; formula cells cache the printed values, and
        // the engine's where the form printed none.
        for (row_index, row) in layout.rows.iter().enumerate() {
            for cell in &row.cells {
                let position = (FIRST_TABLE_ROW as usize + row_index, cell.column);
                let shown = at(position);
                let context = format!("{} {position:?} {:?}: {shown:?}", form.project, cell.role);
                match (cell.role, &cell.value) {
                    (_, Value::Number(number)) => assert!(is_number(&shown, *number), "{context}"),
                    (_, Value::Text(text)) if !text.is_empty() => {
                        assert_eq!(shown, Data::String(text.clone()), "{context}")
                    }
                    (Role::FundsRate(source), _) => {
                        let rate = expected.rates.iter().find(|(s, _)| *s == source).unwrap().1;
                        assert!(is_number(&shown, rate), "{context}");
                    }
                    (Role::ExecutionScore, _) => {
                        assert!(is_number(&shown, expected.execution_score), "{context}")
                    }
                    (Role::TotalScore, _) => {
                        assert!(is_number(&shown, expected.total), "{context}")
                    }
                    (Role::Grade, _) => {
                        assert_eq!(shown, Data::String(expected.grade.into()), "{context}")
                    }
                    _ => assert!(
                        matches!(&shown, Data::Empty) || shown == Data::String(String::new()),
                        "{context}"
                    ),
                }
            }
        }
        // The indicators' names and numbers, in the form's order.
        for (index, indicator) in form.indicators.iter().enumerate() {
            let name = at(place(&layout, Role::Indicator(index, IndicatorField::Name)));
            assert_eq!(name, Data::String(indicator.name.clone()));
            let weight = at(place(
                &layout,
                Role::Indicator(index, IndicatorField::Weight),
            ));
            assert!(is_number(&weight, indicator.weight.unwrap()), "{weight:?}");
            let score = at(place(
                &layout,
                Role::Indicator(index, IndicatorField::Score),
            ));
            match indicator.score {
                Some(score_value) => assert!(is_number(&score, score_value), "{score:?}"),
                None => assert_eq!(score, Data::Empty, "{}", indicator.name),
            }
        }
        // Merges: the title, the year, and exactly the layout's spans.
        let mut merges: Vec<((u32, u32), (u32, u32))> = book
            .merge_cells_by_sheet_name(&form.project)
            .unwrap()
            .iter()
            .map(|dimensions| (dimensions.start, dimensions.end))
            .collect();
        merges.sort();
        let mut spans = vec![((0, 0), (0, 7)), ((1, 0), (1, 7))];
        for (row_index, row) in layout.rows.iter().enumerate() {
            for cell in row
                .cells
                .iter()
                .filter(|cell| cell.colspan > 1 || cell.rowspan > 1)
            {
                let top = FIRST_TABLE_ROW + row_index as u32;
                let left = cell.column as u32;
                spans.push((
                    (top, left),
                    (
                        top + cell.rowspan as u32 - 1,
                        left + cell.colspan as u32 - 1,
                    ),
                ));
            }
        }
        spans.sort();
        assert_eq!(merges, spans, "{}", form.project);
    }
}

#[test]
fn formulas_follow_the_profile() {
    let forms = seed();
    let form = &forms[3];
    let layout = layout::layout(form, None);
    let (rate_row, rate_column) = place(&layout, Role::FundsRate(FundsSource::Total));
    let (adjusted_row, adjusted_column) = place(
        &layout,
        Role::FundsAmount(FundsSource::Total, FundsColumn::Adjusted),
    );
    let adjusted = format!(
        "{}{}",
        char::from(b'A' + adjusted_column as u8),
        adjusted_row + 1
    );
    for (profile_name, function) in [
        ("shanghai", ",ROUNDDOWN(ROUND("),
        ("national", ",ROUND(ROUND("),
    ] {
        let profile = Profile::builtin(profile_name).unwrap();
        let mut book = open(workbook(std::slice::from_ref(form), &profile));
        let formulas = book.worksheet_formula(&form.project).unwrap();
        let rate = formulas
            .get_value((rate_row as u32, rate_column as u32))
            .unwrap();
        assert!(rate.starts_with(&format!("IF({adjusted}=0,0,")), "{rate}");
        assert!(rate.contains(function), "{profile_name}: {rate}");
        // The cached result is what the form printed (cut, 92.06), whatever the profile's
        // formula gives once recalculated (national: 92.07).
        let values = book.worksheet_range(&form.project).unwrap();
        assert_eq!(
            values.get_value((rate_row as u32, rate_column as u32)),
            Some(&Data::Float(92.06))
        );
        // The rule score of each quantitative indicator depends on its weight cell (column F).
        for (index, indicator) in form.indicators.iter().enumerate() {
            let (row, _) = place(&layout, Role::Indicator(index, IndicatorField::Weight));
            let rule = formulas.get_value((row as u32, u32::from(RULE_SCORE_COLUMN)));
            let quantitative = matches!(
                score::indicator(indicator, &profile).rule,
                Rule::Computed { .. }
            );
            match rule {
                Some(rule) if quantitative => {
                    assert!(rule.contains(&format!("F{}", row + 1)), "{rule}")
                }
                other => assert!(
                    !quantitative && other.is_none_or(String::is_empty),
                    "{}: {other:?}",
                    indicator.name
                ),
            }
        }
        let grade = formulas
            .get_value((place(&layout, Role::Grade).0 as u32, 5))
            .unwrap();
        assert!(grade.contains(">=90,\"优\""), "{grade}");
    }
}

#[test]
fn forms_with_their_audits_and_no_forms() {
    let forms = seed();
    let profile = Profile::builtin("shanghai").unwrap();
    let audits = audits(forms);
    let book = open(xlsx::document(&audited_items(forms, &audits), &profile).unwrap());
    assert_eq!(book.sheet_names().len(), forms.len());
    let error = xlsx::document(&[], &profile).unwrap_err();
    assert_eq!(error.to_string(), "没有可写入工作簿的自评表");
}

#[test]
fn repeated_and_long_project_names_get_valid_sheet_names() {
    let mut forms = seed()[..3].to_vec();
    forms[0].project = "城管执法/装备建设：2024年度[一期]项目资金使用情况及绩效自评".to_owned();
    forms[1].project = forms[0].project.clone();
    forms[2].project = forms[0].project.clone();
    let profile = Profile::builtin("shanghai").unwrap();
    let book = open(workbook(&forms, &profile));
    let names = book.sheet_names();
    assert_eq!(
        names,
        xlsx::sheet_names(forms.iter().map(|form| form.project.as_str()))
    );
    assert!(names[0].starts_with("城管执法／装备建设：2024年度［一期］"));
    assert!(names[1].ends_with("(2)") && names[2].ends_with("(3)"));
    for name in &names {
        assert!(name.encode_utf16().count() <= 31, "{name}");
    }
}

/// CSV, comma-separated, `"`-quoted, UTF-8 (76), raw values (token 9 false), every sheet (-1).
const CSV_FILTER: &str =
    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1";

/// Reads one sheet's CSV as rows of fields.
fn read_csv(path: &Path) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(soffice::read_output(path).as_slice())
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// Forms whose numbers are exact in decimals but not in binary floating point: 0.57/1×100 is
/// 56.99999999999999 (cut: 56.99, not 57.00), and 17.35/20×10 is 8.674999999999999 (rounded:
/// 8.67, not 8.68), unless the formulas drop the binary noise first.
fn float_edges() -> Vec<Form> {
    let decimal = |text: &str| Some(text.parse::<Decimal>().unwrap());
    let mut forms = seed()[..2].to_vec();
    for (form, (project, adjusted, executed)) in forms.iter_mut().zip([
        ("浮点边界：截断", "1.00", "0.57"),
        ("浮点边界：四舍五入", "20.00", "17.35"),
    ]) {
        form.project = project.to_owned();
        for row in [&mut form.funds.total, &mut form.funds.appropriation] {
            row.adjusted = decimal(adjusted);
            row.executed = decimal(executed);
        }
        let indicator = &mut form.indicators[0];
        indicator.target = "≥20(次)".to_owned();
        indicator.actual = format!("{executed}(次)");
        indicator.weight = decimal("10");
    }
    forms
}

#[test]
fn libreoffice_recalculates_what_the_engine_gives() {
    if !soffice::available() {
        return;
    }
    let started = Instant::now();
    let mut forms = seed().to_vec();
    forms.extend(float_edges());
    let profile = Profile::builtin("shanghai").unwrap();
    let dir = soffice::scratch_dir("xlsx-recalc", soffice::Profile::Recalculate);
    let input = dir.join("forms.xlsx");
    // A canary proves that LibreOffice recalculated rather than showing the cached results:
    // one more sheet of 城管执法装备建设 printing a wrong 执行率 (50.00, the formula's cached
    // result) where its formula cuts 11.84/12.86 as Shanghai does (92.06).
    let mut canary_form = forms[3].clone();
    canary_form.funds.total.rate = Some(Decimal::new(5000, 2));
    let mut items = items(&forms);
    items.push(Item {
        form: &canary_form,
        audit: None,
    });
    let bytes = xlsx::document(&items, &profile).unwrap();
    let names = xlsx::sheet_names(items.iter().map(|item| item.form.project.as_str()));
    let canary_name = names.last().unwrap();
    let canary_layout = layout::layout(&canary_form, None);
    let (rate_row, rate_column) = place(&canary_layout, Role::FundsRate(FundsSource::Total));
    let cached = open(bytes.clone()).worksheet_range(canary_name).unwrap();
    assert_eq!(
        cached.get_value((rate_row as u32, rate_column as u32)),
        Some(&Data::Float(50.0))
    );
    std::fs::write(&input, bytes).unwrap();
    let out = soffice::convert(&dir, &input, CSV_FILTER);
    let canary = read_csv(&out.join(format!("forms-{canary_name}.csv")));
    assert_eq!(
        canary[rate_row][rate_column], "92.06",
        "LibreOffice kept the cached 50.00, or did not cut 执行率 as the Shanghai profile says"
    );
    for (form, name) in forms.iter().zip(&names) {
        let rows = read_csv(&out.join(format!("forms-{name}.csv")));
        let at = |(row, column): (usize, usize)| {
            rows.get(row)
                .and_then(|fields| fields.get(column))
                .map_or("", String::as_str)
        };
        let number = |position: (usize, usize)| {
            let text = at(position);
            text.parse::<Decimal>().unwrap_or_else(|_| {
                panic!("{}: {position:?} is {text:?}, not a number", form.project)
            })
        };
        let layout = layout::layout(form, None);
        let expected = expected(form, &profile);
        for (source, rate) in &expected.rates {
            let position = place(&layout, Role::FundsRate(*source));
            assert_eq!(
                number(position),
                *rate,
                "{} 执行率 {source:?}",
                form.project
            );
        }
        assert_eq!(
            number(place(&layout, Role::ExecutionScore)),
            expected.execution_score,
            "{} 预算执行得分",
            form.project
        );
        assert_eq!(
            number(place(&layout, Role::TotalScore)),
            expected.total,
            "{} 总分",
            form.project
        );
        assert_eq!(
            at(place(&layout, Role::Grade)),
            expected.grade,
            "{} 评分等级",
            form.project
        );
        for (index, rule_score) in expected.rule_scores.iter().enumerate() {
            let (row, _) = place(&layout, Role::Indicator(index, IndicatorField::Weight));
            let position = (row, usize::from(RULE_SCORE_COLUMN));
            match rule_score {
                Some(rule_score) => assert_eq!(
                    number(position),
                    *rule_score,
                    "{} {}",
                    form.project,
                    form.indicators[index].name
                ),
                None => assert_eq!(at(position), "", "{}", form.indicators[index].name),
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "LibreOffice recalculation of {} forms: {:.1} s",
        forms.len(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn the_workbook_imports_back_as_the_forms_it_was_made_from() {
    // The formulas' cached results are the printed values, so every form comes back field for
    // field (scale included), even 城管执法监督考核辅助工作 whose printed total is not the sum of
    // its printed scores (rules.md: total-sum).
    let profile = Profile::builtin("shanghai").unwrap();
    let import = jixiao_import::read_document(&workbook(seed(), &profile));
    assert_imported(&import, seed());
}

#[test]
fn the_workbook_saved_as_ods_and_xls_by_libreoffice_imports_back() {
    if !soffice::available() {
        return;
    }
    let profile = Profile::builtin("shanghai").unwrap();
    // OpenDocument, the cached results (the printed values) kept: every form as printed.
    let dir = soffice::scratch_dir("xlsx-ods", soffice::Profile::KeepCached);
    let input = dir.join("forms.xlsx");
    std::fs::write(&input, workbook(seed(), &profile)).unwrap();
    let ods = soffice::read_output(&soffice::convert(&dir, &input, "ods").join("forms.ods"));
    assert_eq!(jixiao_import::detect(&ods), Some(Format::Workbook));
    assert_imported(&jixiao_import::read_document(&ods), seed());
    let _ = std::fs::remove_dir_all(&dir);
    // Excel 97 (BIFF8), as a unit saves it after LibreOffice recalculated: the formulas' values,
    // so the one printed total that is not the sum of its scores reads as that sum.
    let dir = soffice::scratch_dir("xlsx-xls", soffice::Profile::Recalculate);
    let input = dir.join("forms.xlsx");
    std::fs::write(&input, workbook(seed(), &profile)).unwrap();
    let xls = soffice::convert(&dir, &input, "xls:MS Excel 97").join("forms.xls");
    let xls = soffice::read_output(&xls);
    assert_eq!(jixiao_import::detect(&xls), Some(Format::Workbook));
    let mut expected = seed().to_vec();
    let corrected = expected
        .iter_mut()
        .find(|form| form.project == "城管执法监督考核辅助工作")
        .unwrap();
    let sum = rounding::sum(
        std::iter::once(corrected.execution.score.unwrap_or_default())
            .chain(corrected.indicators.iter().filter_map(|i| i.score)),
    );
    assert_ne!(corrected.total.score, Some(sum));
    corrected.total.score = Some(sum);
    assert_imported(&jixiao_import::read_document(&xls), &expected);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn formula_cells_note_a_printed_value_that_differs_and_one_that_is_missing() {
    let profile = Profile::builtin("shanghai").unwrap();
    let mut form = seed()[3].clone();
    form.funds.total.rate = None;
    form.total.score = form.total.score.map(|total| total + Decimal::ONE);
    let bytes = workbook(std::slice::from_ref(&form), &profile);
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut notes = String::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).unwrap();
        if file.name().unwrap().starts_with("xl/comments") {
            std::io::Read::read_to_string(&mut file, &mut notes).unwrap();
        }
    }
    // The missing 执行率 is cached as computed (92.06) and says so; the total caches the printed
    // value and gives the computed one.
    assert!(
        notes.contains("原表未填报；本格为按公式计算的92.06"),
        "{notes}"
    );
    let printed = rounding::two_places(form.total.score.unwrap());
    assert!(
        notes.contains(&format!("原表填报：{printed}；按公式计算为")),
        "{notes}"
    );
}
