//! What changed between two versions of a form: the JSON paths whose values differ.
//!
//! Indicators are compared by position, which is what a reviewer reads (“第3项的得分”); a row
//! inserted in the middle shows as changes to the rows after it and one added at the end.

use serde_json::{Value, json};

/// The changes from `before` to `after`, each `{path, before, after}` (a missing side is null).
pub fn changes(before: &Value, after: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    walk("", before, after, &mut out);
    out
}

fn walk(path: &str, before: &Value, after: &Value, out: &mut Vec<Value>) {
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let child = join(path, key);
                walk(&child, value, b.get(key).unwrap_or(&Value::Null), out);
            }
            for (key, value) in b {
                if !a.contains_key(key) {
                    walk(&join(path, key), &Value::Null, value, out);
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for index in 0..a.len().max(b.len()) {
                let child = format!("{path}[{index}]");
                walk(
                    &child,
                    a.get(index).unwrap_or(&Value::Null),
                    b.get(index).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(json!({"path": path, "before": a, "after": b})),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_added_and_removed_values_are_listed_by_path() {
        let before =
            json!({"total": {"score": 98.00}, "indicators": [{"score": 10}, {"score": 8}]});
        let after = json!({"total": {"score": 96.00}, "indicators": [{"score": 10}], "x": 1});
        let paths: Vec<String> = changes(&before, &after)
            .iter()
            .map(|change| change["path"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(paths, ["total.score", "indicators[1]", "x"]);
        assert!(changes(&before, &before).is_empty());
    }
}
