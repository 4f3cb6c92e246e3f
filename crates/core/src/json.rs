//! Reading and writing the canonical form JSON (`form-json.md`).
//!
//! A document is one form object or an array of them. Errors say where: the JSON path
//! (`[3].indicators[2].weight`), the line and column, and what was expected.

use crate::model::Form;

/// JSON that is not a form or an array of forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("第{line}行第{column}列（{path}）：{message}")]
pub struct JsonError {
    /// The JSON path of the offending value, e.g. `[3].indicators[2].weight`.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What was found and what was expected.
    pub message: String,
}

/// Reads one form or an array of forms.
pub fn forms_from_str(text: &str) -> Result<Vec<Form>, JsonError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('[') {
        parse::<Vec<Form>>(text)
    } else {
        parse::<Form>(text).map(|form| vec![form])
    }
}

/// Writes forms as the canonical JSON array, pretty-printed.
pub fn forms_to_string(forms: &[Form]) -> String {
    // Serializing these types cannot fail: every map key is a string.
    serde_json::to_string_pretty(forms).unwrap_or_default() + "\n"
}

/// Reads any JSON document holding forms (an API request body, say) with the same error paths.
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    parse(text)
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    let value = result.map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        JsonError {
            path: if path == "." { "$".into() } else { path },
            line: inner.line(),
            column: inner.column(),
            message: inner
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_owned(),
        }
    })?;
    deserializer.end().map_err(|err| JsonError {
        path: "$".into(),
        line: err.line(),
        column: err.column(),
        message: "JSON之后还有多余内容".into(),
    })?;
    Ok(value)
}
