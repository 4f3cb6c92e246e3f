//! Input that is not a good document: nothing panics, each failed form is an error that says
//! where, and the good forms are kept.

use crate::util::{SEED_TEXT, assert_forms_eq, errors, golden, warnings};

/// Lines `from..=to` (1-based) of the seed text.
fn seed_lines(from: usize, to: usize) -> Vec<&'static str> {
    SEED_TEXT
        .split('\n')
        .skip(from - 1)
        .take(to + 1 - from)
        .collect()
}

/// Seed form 1 (lines 3–27), form 2 (29–63) and form 7 (189–208).
fn form_1() -> Vec<&'static str> {
    seed_lines(3, 27)
}
fn form_7() -> Vec<&'static str> {
    seed_lines(189, 208)
}

fn document(parts: &[Vec<&str>]) -> String {
    parts
        .iter()
        .map(|lines| lines.join("\n"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn an_empty_file() {
    for text in ["", "\n", " \t \r\n\t\n"] {
        let import = jixiao_import::read_text(text);
        assert!(import.forms.is_empty());
        assert_eq!(
            errors(&import),
            vec!["第1行：找到“空文件”，应为标题“财政项目支出绩效自评表”"],
            "{text:?}"
        );
    }
}

#[test]
fn garbage() {
    let import = jixiao_import::read_text("\n\nhello\tworld\n随便 写点\n\t\t1.00\t2.00\n");
    assert!(import.forms.is_empty());
    assert_eq!(
        errors(&import),
        vec!["第3行：找到“hello world”，应为标题“财政项目支出绩效自评表”"]
    );
    let import = jixiao_import::read_bytes(&[0xff, 0x00, 0x81, 0x30, 0xfe, 0x7f, 0x80, 0x0a, 0x09]);
    assert!(import.forms.is_empty());
    assert_eq!(import.errors.len(), 1);
}

#[test]
fn a_form_cut_in_its_indicator_table_is_skipped() {
    // Form 2 stops after 8 indicator rows (seed line 50): no 总分 row before form 7's title.
    let text = document(&[form_1(), seed_lines(29, 50), form_7()]);
    let import = jixiao_import::read_text(&text).in_file("cut.txt");
    let golden = golden();
    assert_forms_eq(&[golden[0].clone(), golden[6].clone()], &import.forms);
    assert_eq!(
        errors(&import),
        vec![
            "cut.txt：第50行（行政复议受理和行政诉讼应诉工作）：找到“下一张表的标题”，应为“总分”行"
        ]
    );
    assert_eq!(warnings(&import), Vec::<String>::new());
}

#[test]
fn a_form_cut_after_its_funds_at_the_end_of_the_file() {
    let text = document(&[form_1(), seed_lines(29, 39)]);
    let import = jixiao_import::read_text(&text);
    assert_forms_eq(&golden()[..1], &import.forms);
    let error = &import.errors[0];
    assert_eq!(
        (error.line, error.found.as_str(), error.form.as_deref()),
        (38, "文件结尾", Some("行政复议受理和行政诉讼应诉工作"))
    );
    assert_eq!(
        errors(&import),
        vec![
            "第38行（行政复议受理和行政诉讼应诉工作）：找到“文件结尾”，应为绩效指标表头（一级指标 二级指标 三级指标 …）"
        ]
    );
}

#[test]
fn a_form_without_its_year() {
    let mut form = form_1();
    form.remove(2);
    let text = document(&[form, form_7()]);
    let import = jixiao_import::read_text(&text);
    assert_forms_eq(&[golden()[6].clone()], &import.forms);
    assert_eq!(
        errors(&import),
        vec!["第4行（课题研究）：找到“项目名称 课题研究”，应为年度，如“(2024年度)”"]
    );
}

#[test]
fn a_form_whose_title_was_lost() {
    // Form 7 loses its title: its rows run on after form 1's, and its 项目名称 starts a form
    // that has no title and no year.
    let text = document(&[form_1(), form_7().split_off(1)]);
    let import = jixiao_import::read_text(&text);
    assert_forms_eq(&golden()[..1], &import.forms);
    assert_eq!(
        errors(&import),
        vec![
            "第30行（徐家汇路579号外墙排险维修）：找到“项目名称 徐家汇路579号外墙排险维修”，应为标题“财政项目支出绩效自评表”（这张表没有标题）"
        ]
    );
    assert_eq!(
        warnings(&import),
        vec!["第28行（课题研究）：无法识别的行“(2024年度)”，已忽略"]
    );
}

#[test]
fn a_form_without_its_project_row() {
    let mut form = form_7();
    form.remove(4);
    let import = jixiao_import::read_text(&document(&[form, form_1()]));
    assert_forms_eq(&golden()[..1], &import.forms);
    assert_eq!(
        errors(&import),
        vec![
            "第5行：找到“主管部门 上海市住房和城乡建设管理委员会 实施单位 上海市城市管理行政执法局”，应为“项目名称”行"
        ]
    );
}

#[test]
fn a_form_without_its_funds_table() {
    let mut form = form_7();
    form.drain(6..11);
    let import = jixiao_import::read_text(&document(&[form, form_1()]));
    assert_forms_eq(&golden()[..1], &import.forms);
    assert_eq!(
        errors(&import),
        vec![
            "第7行（徐家汇路579号外墙排险维修）：找到“年度总体目标 预期目标 实际完成情况”，应为项目资金的“年度资金总额”行"
        ]
    );
}

#[test]
fn text_before_the_first_title_is_ignored_with_a_warning() {
    let text = document(&[vec!["附件2", "上海市城市管理行政执法局"], form_7()]);
    let import = jixiao_import::read_text(&text);
    assert_forms_eq(&golden()[6..7], &import.forms);
    assert_eq!(
        warnings(&import),
        vec!["第1行：第一张表的标题之前有内容“附件2”，已忽略"]
    );
}

#[test]
fn a_title_inside_a_goal_does_not_start_a_form() {
    let text = form_7().join("\n").replace(
        "维修检测报告中提到的7处风险点。",
        "按要求填报财政项目支出绩效自评表，维修检测报告中提到的7处风险点。",
    );
    let import = jixiao_import::read_text(&text);
    assert_eq!(import.errors, vec![]);
    assert!(
        import.forms[0]
            .goals
            .expected
            .starts_with("按要求填报财政项目支出绩效自评表，")
    );
}

#[test]
fn every_line_of_the_seed_alone_is_harmless() {
    for line in SEED_TEXT.split('\n') {
        let import = jixiao_import::read_text(line);
        assert!(import.forms.is_empty());
        assert_eq!(import.errors.len(), 1, "{line}");
    }
}

/// Form 1 with line `line` (1-based, within the seed) passed through `edit`.
fn form_1_with(line: usize, edit: impl Fn(&str) -> String) -> String {
    seed_lines(3, 27)
        .iter()
        .enumerate()
        .map(|(index, text)| {
            if index + 3 == line {
                edit(text)
            } else {
                (*text).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_cell_full_of_angle_brackets_reads_in_linear_time() {
    // Each `<` could open a `<p>` tag; looking for its `>` through the whole rest of the cell
    // made this quadratic (minutes for this cell). The note keeps every character.
    let brackets = "<".repeat(1 << 20);
    let text = form_1_with(17, |line| format!("{line}{brackets}"));
    let import = jixiao_import::read_text(&text);
    assert!(import.errors.is_empty(), "{:?}", errors(&import));
    let indicator = &import.forms[0].indicators[0];
    assert_eq!(indicator.name, "人员配置数量");
    assert!(
        indicator.note == brackets,
        "the note has {} bytes",
        indicator.note.len()
    );
}

#[test]
fn a_long_cell_ending_in_zhibiao_is_not_a_level_label() {
    // A label outside the vocabulary is filled down to every indicator below it; a cell of any
    // length ending in 指标 taken for one would be copied onto each of them.
    let long = format!("{}指标", "很长的说明".repeat(2000));
    let text = form_1_with(17, |line| line.replacen("数量 指标", &long, 1));
    let import = jixiao_import::read_text(&text);
    let form = &import.forms[0];
    assert_eq!(form.indicators.len(), 9);
    for indicator in &form.indicators {
        assert!(indicator.level1.chars().count() <= 16, "{}", indicator.name);
        assert!(indicator.level2.chars().count() <= 16, "{}", indicator.name);
    }
    // The labels further down are unharmed.
    assert_eq!(form.indicators[3].level2, "质量指标");
}

#[test]
fn warnings_name_a_long_project_briefly() {
    let project = "课题研究".repeat(5000);
    let text = form_1_with(7, |line| line.replacen("课题研究", &project, 1));
    // Without its 评分等级 row the form is kept with a warning.
    let text = text.replace("评分等级\t优", "");
    let import = jixiao_import::read_text(&text);
    assert_eq!(import.forms[0].project, project);
    assert!(!import.warnings.is_empty());
    for warning in &import.warnings {
        let form = warning.form.as_deref().unwrap_or_default();
        assert!(project.starts_with(form.trim_end_matches('…')));
        assert!(form.chars().count() <= 41, "{form}");
    }
}

#[test]
fn a_goal_that_speaks_of_the_budget_is_a_goal() {
    let goal_line = seed_lines(15, 15)[0];
    let goal = "按年初预算和全年预算安排完成课题研究。";
    let text = form_1_with(15, |line| {
        line.replacen("在围绕", &format!("{goal}在围绕"), 1)
    });
    let import = jixiao_import::read_text(&text);
    assert!(import.errors.is_empty(), "{:?}", errors(&import));
    let mut expected = golden()[0].clone();
    expected.goals.expected = format!("{goal}{}", expected.goals.expected);
    assert!(goal_line.contains("在围绕"));
    assert_forms_eq(&[expected], &import.forms);
}
