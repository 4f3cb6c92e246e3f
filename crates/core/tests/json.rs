//! The canonical JSON: reading then writing loses nothing, and bad JSON says where.

use jixiao_core::json;

use crate::util::{SEED_JSON, seed};

#[test]
fn the_seed_round_trips_to_the_same_text() {
    let written = json::forms_to_string(&seed());
    assert_eq!(written, SEED_JSON);
}

#[test]
fn unknown_keys_and_scales_survive() {
    let text = r#"{"year": 2024, "project": "p", "department": "d", "implementing_unit": "u",
      "source": {"file": "a.pdf", "page": 3},
      "funds": {"total": {"initial": 1.50, "adjusted": 1.500, "executed": 1, "rate": null},
                "appropriation": {"initial": 0, "adjusted": 0, "executed": 0, "rate": 0},
                "carryover": {"initial": 0, "adjusted": 0, "executed": 0, "rate": 0},
                "other": {"initial": 0, "adjusted": 0, "executed": 0, "rate": 0}},
      "execution": {"weight": 10, "rate": 66.67, "score": 6.67},
      "goals": {"expected": "a\nb", "actual": ""},
      "indicators": [{"level1": "产出指标", "level2": "数量指标", "name": "n", "target": "≥1(个)",
        "actual": "1(个)", "weight": 90, "score": null, "note": "", "target_spec": {"op": "≥", "value": 1.0}}],
      "total": {"weight": 100, "score": 96.67}, "grade": "优"}"#;
    let forms = json::forms_from_str(text).unwrap();
    let again = json::forms_from_str(&json::forms_to_string(&forms)).unwrap();
    assert_eq!(forms, again);
    let written = json::forms_to_string(&forms);
    assert!(written.contains("\"adjusted\": 1.500"), "{written}");
    assert!(written.contains("\"rate\": null"), "{written}");
    assert!(written.contains("\"page\": 3"), "{written}");
    assert!(written.contains("\"value\": 1.0"), "{written}");
    assert_eq!(forms[0].indicators[0].score, None);
}

#[test]
fn errors_name_the_json_path_and_line() {
    let mut forms: serde_json::Value = serde_json::from_str(SEED_JSON).unwrap();
    forms[3]["indicators"][2]["weight"] = serde_json::Value::String("十".into());
    let text = serde_json::to_string_pretty(&forms).unwrap();
    let err = json::forms_from_str(&text).unwrap_err();
    assert_eq!(err.path, "[3].indicators[2].weight");
    assert!(err.line > 1);
    let err = json::forms_from_str("{\"year\": 2024}").unwrap_err();
    assert!(err.message.contains("project"), "{err}");
    assert!(json::forms_from_str("[] x").is_err());
}
