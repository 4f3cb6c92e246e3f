//! What the server adds to the store: scoring a version before it is saved, and the
//! organisation tree's questions (who owns a form, which units a user sees).

use jixiao_core::audit;
use jixiao_core::finding::Severity;
use jixiao_core::model::Form;
use jixiao_core::report::FormReport;
use jixiao_core::workflow::{OrgId, OrgKind, Owner, Role};
use jixiao_core::{Profile, json};
use jixiao_store::{NewVersion, Org, Summary, User, UserId};

/// A form scored and audited, ready to be saved as a version.
pub fn version_of(form: &Form, profile: &Profile, author: UserId, note: String) -> NewVersion {
    let audit = audit::audit(form, profile);
    let report = FormReport::new(form, profile, &audit);
    let count = |severity: Severity| {
        let count = audit
            .findings
            .iter()
            .filter(|finding| finding.severity == severity)
            .count();
        i64::try_from(count).unwrap_or(i64::MAX)
    };
    let text = |value: Option<rust_decimal::Decimal>| value.map(|value| value.to_string());
    let summary = Summary {
        year: form.year,
        project: form.project.clone(),
        budget: text(form.funds.total.adjusted),
        executed: text(form.funds.total.executed),
        reported_total: text(form.total.score),
        reported_grade: form.grade.clone(),
        rule_total: audit.scorecard.total.to_string(),
        rule_grade: audit.scorecard.grade.label().to_owned(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
    };
    NewVersion {
        form_json: serde_json::to_string(form).unwrap_or_default(),
        report_json: serde_json::to_string(&report).unwrap_or_default(),
        summary,
        author,
        note,
    }
}

/// Reads a stored form version back.
pub fn form_of(form_json: &str) -> Option<Form> {
    json::forms_from_str(form_json).ok()?.into_iter().next()
}

/// The organisation tree, loaded for one request.
#[derive(Debug, Clone)]
pub struct Orgs(pub Vec<Org>);

impl Orgs {
    /// An organisation by id.
    pub fn get(&self, id: OrgId) -> Option<&Org> {
        self.0.iter().find(|org| org.id == id)
    }

    /// The owner chain of a unit: the unit and its ancestors, nearest first.
    pub fn owner(&self, unit: OrgId) -> Owner {
        let mut ancestors = Vec::new();
        let mut next = self.get(unit).and_then(|org| org.parent);
        while let Some(id) = next {
            if ancestors.contains(&id) {
                break;
            }
            ancestors.push(id);
            next = self.get(id).and_then(|org| org.parent);
        }
        Owner { unit, ancestors }
    }

    /// The units whose forms `user` may list: `None` for all (the finance bureau).
    pub fn visible_units(&self, user: &User) -> Option<Vec<OrgId>> {
        if user.role == Role::Admin {
            return None;
        }
        Some(
            self.0
                .iter()
                .filter(|org| org.kind == OrgKind::Unit && self.owner(org.id).is_under(user.org))
                .map(|org| org.id)
                .collect(),
        )
    }

    /// The units whose forms `user` may list, narrowed to those under `org` when one is asked
    /// for (`None`: all units).
    pub fn visible_units_under(&self, user: &User, org: Option<OrgId>) -> Option<Vec<OrgId>> {
        let visible = self.visible_units(user);
        let Some(org) = org else {
            return visible;
        };
        let under = self
            .0
            .iter()
            .filter(|o| o.kind == OrgKind::Unit && self.owner(o.id).is_under(org))
            .map(|o| o.id);
        Some(match visible {
            Some(visible) => under.filter(|id| visible.contains(id)).collect(),
            None => under.collect(),
        })
    }

    /// The unit under `user`'s organisation named `name` (for imports that name their unit).
    pub fn unit_named(&self, user: &User, name: &str) -> Option<OrgId> {
        self.0
            .iter()
            .filter(|org| org.kind == OrgKind::Unit && org.name == name.trim())
            .map(|org| org.id)
            .find(|id| self.owner(*id).is_under(user.org))
    }

    /// The name of an organisation, or an empty string.
    pub fn name(&self, id: OrgId) -> &str {
        self.get(id).map_or("", |org| org.name.as_str())
    }
}
