//! Shared fixtures: the seed forms, a clean form, profiles.

use std::str::FromStr;

use jixiao_core::audit::{self, Audit};
use jixiao_core::{Form, Profile, json};
use rust_decimal::Decimal;

pub const SEED_JSON: &str = include_str!("../../../examples/2024-shanghai-cgj-selfeval.json");
pub const CLEAN_JSON: &str = include_str!("data/clean.json");

pub fn seed() -> Vec<Form> {
    json::forms_from_str(SEED_JSON).expect("the seed JSON reads")
}

pub fn seed_form(project: &str) -> Form {
    seed()
        .into_iter()
        .find(|form| form.project == project)
        .unwrap_or_else(|| panic!("no seed form {project}"))
}

/// A form with no findings at all under either profile.
pub fn clean() -> Form {
    json::forms_from_str(CLEAN_JSON)
        .expect("clean.json reads")
        .remove(0)
}

pub fn profile(name: &str) -> Profile {
    Profile::builtin(name).expect("built-in profile")
}

pub fn audit(form: &Form, profile_name: &str) -> Audit {
    audit::audit(form, &profile(profile_name))
}

pub fn d(text: &str) -> Decimal {
    Decimal::from_str(text).expect("a decimal")
}
