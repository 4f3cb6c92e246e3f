//! The real document: 15 forms published by 上海市城市管理行政执法局, against the golden JSON
//! transcribed by hand (`examples/2024-shanghai-cgj-selfeval.json`).

use jixiao_core::json;

use crate::util::{SEED_JSON, SEED_TEXT, assert_form_eq, assert_forms_eq, golden, warnings};

#[test]
fn every_seed_form_imports_exactly_as_the_golden() {
    let import = jixiao_import::read_text(SEED_TEXT);
    assert_eq!(import.errors, vec![], "no form fails");
    let golden = golden();
    assert_eq!(import.forms.len(), 15);
    for (index, (expected, actual)) in golden.iter().zip(&import.forms).enumerate() {
        assert_form_eq(
            &format!("seed form {} ({})", index + 1, expected.project),
            expected,
            actual,
        );
    }
}

#[test]
fn the_seed_imports_to_the_golden_json_text() {
    let import = jixiao_import::read_text(SEED_TEXT);
    assert_eq!(json::forms_to_string(&import.forms), SEED_JSON);
}

#[test]
fn the_only_seed_warning_is_the_lost_score_cell() {
    // Line 548 ends after the 分值: extraction lost the 得分 cell, so the score is null.
    let import = jixiao_import::read_text(SEED_TEXT);
    assert_eq!(
        warnings(&import),
        vec![
            "第548行（城管执法监督考核辅助工作）：指标“长效管理机制健全性”只有分值没有得分（单元格可能在提取时丢失），得分记为空"
        ]
    );
    let form = &import.forms[12];
    let lost = &form.indicators[41];
    assert_eq!(
        (lost.name.as_str(), lost.score),
        ("长效管理机制健全性", None)
    );
}

#[test]
fn seed_bytes_read_like_seed_text() {
    let import = jixiao_import::read_bytes(SEED_TEXT.as_bytes());
    assert_forms_eq(&golden(), &import.forms);
}

/// Page breaks that cut a row in two, one test per way the seed shows.
mod page_breaks {
    use super::*;

    fn indicator(form: usize, name: &str) -> jixiao_core::model::Indicator {
        let import = jixiao_import::read_text(SEED_TEXT);
        import.forms[form - 1]
            .indicators
            .iter()
            .find(|indicator| indicator.name == name)
            .unwrap_or_else(|| panic!("form {form} has no indicator {name}"))
            .clone()
    }

    #[test]
    fn a_label_cut_by_a_page_break_is_whole_lines_59_61() {
        let found = indicator(2, "城管执法社会满意度");
        assert_eq!(
            (found.level1.as_str(), found.level2.as_str()),
            ("满意度指标", "服务对象满意度指标")
        );
    }

    #[test]
    fn a_label_tail_repeating_a_character_lines_233_235() {
        // `可持续` … `续影响指标`, and the target's tail `三角中长期规划`.
        let found = indicator(8, "长效管理机制健全性");
        assert_eq!(found.level2, "可持续影响指标");
        assert_eq!(found.target, "符合我局长三角中长期规划");
    }

    #[test]
    fn a_new_row_after_a_break_completes_the_label_above_lines_177_179() {
        assert_eq!(indicator(6, "项目验收通过率").level2, "质量指标");
        assert_eq!(indicator(6, "结题报告通过专家评审").level2, "质量指标");
        assert_eq!(indicator(15, "优化法治环境").level2, "社会效益指标");
        assert_eq!(indicator(15, "提高全社会遵法守法意识").level1, "效益指标");
    }

    #[test]
    fn a_name_tail_joins_the_name_lines_389_391() {
        indicator(11, "城管执法队伍教育培训内容完整率");
    }

    #[test]
    fn a_note_tail_joins_the_note_lines_583_585() {
        assert!(
            indicator(14, "铭牌制作及时性")
                .note
                .ends_with("与人社部门积极沟通项目改进措施。")
        );
    }

    #[test]
    fn a_goal_tail_joins_the_unfinished_goal_lines_252_254_and_502_504() {
        let import = jixiao_import::read_text(SEED_TEXT);
        assert!(
            import.forms[8]
                .goals
                .actual
                .contains("为上海城管执法工作提供坚强思想保证。\n(一)持续推广")
        );
        assert!(
            import.forms[12]
                .goals
                .expected
                .ends_with("主要围绕依法行政6个一级指标25个二级指标开展分项测评，并出具评估报告。")
        );
    }
}
