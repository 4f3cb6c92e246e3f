//! jixiao-core: the form model, the rules engine and the audit of 财政项目支出绩效自评表.
//!
//! This crate is pure: it does no I/O, starts no threads and never panics on a form. Everything
//! else in jixiao (importers, renderers, store, server, CLI) passes forms in and takes scores,
//! findings and reports out.
//!
//! ```
//! use jixiao_core::{audit, json, Profile};
//!
//! let text = include_str!("../../../examples/2024-shanghai-cgj-selfeval.json");
//! let forms = json::forms_from_str(text).unwrap();
//! let profile = Profile::builtin("shanghai").unwrap();
//! let last = &forms[14];
//! let result = audit::audit(last, &profile);
//! assert_eq!(result.scorecard.total.to_string(), "86.88");
//! ```
#![deny(missing_docs)]

pub mod audit;
mod decimal;
pub mod finding;
pub mod grade;
pub mod json;
pub mod model;
pub mod profile;
pub mod quantity;
pub mod report;
pub mod rounding;
pub mod score;
pub mod workflow;

pub use finding::{Code, Finding, Severity};
pub use model::Form;
pub use profile::Profile;
