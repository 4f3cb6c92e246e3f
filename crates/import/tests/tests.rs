//! Integration tests of jixiao-import: one binary, one module per topic.

/// Invalid, truncated and hostile input: no panic, errors with lines, good forms kept.
mod bad_input;
/// `read_text` never panics (proptest).
mod properties;
/// The 15 seed forms import exactly as the golden transcription.
mod seed;
/// The text layout stage: bytes → grid, and the layout detector.
mod text_layout;
/// Shared fixtures and the field-by-field comparison.
mod util;
/// Hand-made variants of seed forms under `tests/data/`.
mod variants;
