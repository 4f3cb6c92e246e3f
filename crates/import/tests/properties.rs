//! `read_text` never panics, whatever it is given: arbitrary text, text made of the form's own
//! words and cells, and the seed with random lines deleted or random cells replaced.

use proptest::prelude::*;

use crate::util::SEED_TEXT;

/// Checks what holds for every import: each error and warning has a line in the document (or
/// one past its end), and no more forms come out than titles went in.
fn check_import(text: &str) {
    let import = jixiao_import::read_text(text);
    let lines = text.split(['\n', '\r']).count() + 1;
    for error in &import.errors {
        assert!((1..=lines).contains(&error.line), "{error}");
        assert!(!error.to_string().is_empty());
    }
    for warning in &import.warnings {
        assert!(warning.line <= lines, "{warning}");
    }
    assert!(import.forms.len() <= text.matches("财政项目支出绩效自评表").count());
}

/// Words and cells of the form, to make inputs that get deep into the reader.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "财政项目支出绩效自评表",
            "(2024年度)",
            "项目名称",
            "主管部门",
            "实施单位",
            "项目资金 (元)",
            "年初预算数",
            "全年预算数",
            "执行率(%)",
            "分数",
            "得分",
            "年度资金总额:",
            "其中:当年财政拨款",
            "上年结转资金",
            "其他资金",
            "预期目标",
            "实际完成情况",
            "年度 总体",
            "<p>目标。</p> <p>",
            "一级指标",
            "二级指标",
            "三级指标",
            "产出指标(50分)",
            "满意 度指",
            "标",
            "可持续",
            "续影响指标",
            "质量",
            "指标",
            "数量指标",
            "及时",
            "达成指标",
            "总分",
            "评分等级",
            "优",
            "-",
            "—",
            "/",
            "10.00",
            "１０．００",
            "99999999999999999999999999999999.5",
        ])
        .prop_map(str::to_owned),
        "[0-9.]{1,6}",
        ".{0,6}",
    ]
}

/// A document of `token` cells: tabs between them, newlines between rows, blank rows.
fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::collection::vec(token(), 0..9), 0..60).prop_map(|rows| {
        rows.into_iter()
            .map(|cells| cells.join("\t"))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_import(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = jixiao_import::read_bytes(&bytes);
    }

    #[test]
    fn documents_of_form_words_never_panic(text in document()) {
        check_import(&text);
    }

    #[test]
    fn the_seed_with_lines_deleted_never_panics(
        keep in prop::collection::vec(prop::bool::weighted(0.95), SEED_TEXT.split('\n').count())
    ) {
        let text: Vec<&str> = SEED_TEXT
            .split('\n')
            .zip(&keep)
            .filter(|(_, keep)| **keep)
            .map(|(line, _)| line)
            .collect();
        check_import(&text.join("\n"));
    }

    #[test]
    fn the_seed_with_cells_replaced_never_panics(
        edits in prop::collection::vec((0usize..616, 0usize..9, token()), 1..20)
    ) {
        let mut lines: Vec<Vec<String>> = SEED_TEXT
            .split('\n')
            .map(|line| line.split('\t').map(str::to_owned).collect())
            .collect();
        for (line, cell, text) in edits {
            if let Some(cells) = lines.get_mut(line) {
                if cell < cells.len() {
                    cells[cell] = text;
                } else {
                    cells.push(text);
                }
            }
        }
        let text: Vec<String> = lines.into_iter().map(|cells| cells.join("\t")).collect();
        check_import(&text.join("\n"));
    }
}
