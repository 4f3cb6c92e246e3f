//! Unit tests of the audit checks.
