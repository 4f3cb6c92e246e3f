//! Who may do what to a form, and how a form moves from draft to publication.
//!
//! Units (实施单位) fill in and submit; the department (主管部门) above them reviews, returns or
//! approves; the finance bureau (财政局) publishes and sees everything. This module is the whole
//! authorisation policy: the server asks it before every read and write, so the rules live in
//! one place and are tested here, without a database.
//!
//! ```text
//! 草稿 ──submit──▶ 已提交 ──approve──▶ 已审核 ──publish──▶ 已公开
//!                   │   ▲
//!              return   submit
//!                   ▼   │
//!                  已退回
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a form stands in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 草稿: the unit is filling it in.
    Draft,
    /// 已提交: waiting for the department's review; the unit can no longer edit it.
    Submitted,
    /// 已退回: returned to the unit with a comment, to be fixed and submitted again.
    Returned,
    /// 已审核: approved by the department, waiting for publication.
    Approved,
    /// 已公开: published with the final accounts; visible to everyone, read-only.
    Published,
}

impl State {
    /// Every state, in the order of the review.
    pub const ALL: [State; 5] = [
        State::Draft,
        State::Submitted,
        State::Returned,
        State::Approved,
        State::Published,
    ];

    /// The stable name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Approved => "approved",
            State::Published => "published",
        }
    }

    /// Reads a stable name.
    pub fn parse(text: &str) -> Option<State> {
        State::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// The word users read.
    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "草稿",
            State::Submitted => "已提交",
            State::Returned => "已退回",
            State::Approved => "已审核",
            State::Published => "已公开",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a user does in their organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 填报: fills in and submits the forms of their unit.
    Filler,
    /// 审核: reviews the forms of the units under their organisation.
    Reviewer,
    /// 财政: the finance bureau's administrator: publishes, manages organisations and users.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 3] = [Role::Filler, Role::Reviewer, Role::Admin];

    /// The stable name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Filler => "filler",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    /// Reads a stable name.
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// The word users read.
    pub fn label(self) -> &'static str {
        match self {
            Role::Filler => "填报",
            Role::Reviewer => "审核",
            Role::Admin => "财政",
        }
    }
}

/// A move from one state to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    /// 提交: the unit hands the form in (from 草稿 or 已退回).
    Submit,
    /// 退回: the reviewer sends it back, with a comment saying why.
    Return,
    /// 审核通过: the reviewer approves it.
    Approve,
    /// 公开: the finance bureau publishes it.
    Publish,
}

impl Transition {
    /// Every transition.
    pub const ALL: [Transition; 4] = [
        Transition::Submit,
        Transition::Return,
        Transition::Approve,
        Transition::Publish,
    ];

    /// The stable name used in the API and the action log.
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::Return => "return",
            Transition::Approve => "approve",
            Transition::Publish => "publish",
        }
    }

    /// Reads a stable name.
    pub fn parse(text: &str) -> Option<Transition> {
        Transition::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// The word users read on the button.
    pub fn label(self) -> &'static str {
        match self {
            Transition::Submit => "提交",
            Transition::Return => "退回",
            Transition::Approve => "审核通过",
            Transition::Publish => "公开",
        }
    }

    /// The state it leads to from `from`, or `None` when it does not apply there.
    pub fn apply(self, from: State) -> Option<State> {
        match (self, from) {
            (Transition::Submit, State::Draft | State::Returned) => Some(State::Submitted),
            (Transition::Return, State::Submitted | State::Approved) => Some(State::Returned),
            (Transition::Approve, State::Submitted) => Some(State::Approved),
            (Transition::Publish, State::Approved) => Some(State::Published),
            _ => None,
        }
    }

    /// Whether the transition needs a comment (a return must say what to fix).
    pub fn needs_comment(self) -> bool {
        self == Transition::Return
    }
}

/// The kind of an organisation, which fixes its place in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 财政局: the root.
    Finance,
    /// 主管部门: under the finance bureau.
    Department,
    /// 实施单位 (预算单位): under a department; owns forms.
    Unit,
}

impl OrgKind {
    /// Every kind.
    pub const ALL: [OrgKind; 3] = [OrgKind::Finance, OrgKind::Department, OrgKind::Unit];

    /// The stable name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Finance => "finance",
            OrgKind::Department => "department",
            OrgKind::Unit => "unit",
        }
    }

    /// Reads a stable name.
    pub fn parse(text: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The word users read.
    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Finance => "财政局",
            OrgKind::Department => "主管部门",
            OrgKind::Unit => "实施单位",
        }
    }

    /// The kind its parent must have (`None` for the root).
    pub fn parent(self) -> Option<OrgKind> {
        match self {
            OrgKind::Finance => None,
            OrgKind::Department => Some(OrgKind::Finance),
            OrgKind::Unit => Some(OrgKind::Department),
        }
    }

    /// The roles a user of such an organisation can have.
    pub fn allows(self, role: Role) -> bool {
        matches!(
            (self, role),
            (OrgKind::Finance, Role::Admin | Role::Reviewer)
                | (OrgKind::Department, Role::Reviewer)
                | (OrgKind::Unit, Role::Filler)
        )
    }
}

/// An organisation id.
pub type OrgId = i64;

/// Someone acting: their role in their organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user's role.
    pub role: Role,
    /// The user's organisation.
    pub org: OrgId,
}

/// The organisation that owns a form, and its ancestors from its parent up to the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// The unit that owns the form.
    pub unit: OrgId,
    /// The unit's ancestors, nearest first (its department, then the finance bureau).
    pub ancestors: Vec<OrgId>,
}

impl Owner {
    /// Whether `org` is the unit or one of its ancestors.
    pub fn is_under(&self, org: OrgId) -> bool {
        self.unit == org || self.ancestors.contains(&org)
    }
}

/// What an actor may do with a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See the form, its versions, findings and comments.
    Read,
    /// Save a new version.
    Edit,
    /// Add a comment.
    Comment,
    /// Move it along the workflow.
    Move(Transition),
}

/// Whether `actor` may do `action` to a form owned by `owner` in state `state`.
///
/// - Everyone may read a published form; otherwise only the unit, its department and the
///   finance bureau may (a user of another unit or department sees nothing).
/// - The unit's fillers edit while it is a draft or returned, and submit it.
/// - Reviewers of an organisation above the unit return and approve (and comment).
/// - The finance bureau's admin publishes, and may also return an approved form.
pub fn allows(actor: &Actor, action: Action, owner: &Owner, state: State) -> bool {
    let own_unit = actor.org == owner.unit;
    let above = owner.ancestors.contains(&actor.org);
    let related = own_unit || above;
    match action {
        Action::Read => state == State::Published || related,
        Action::Comment => related && state != State::Published,
        Action::Edit => {
            actor.role == Role::Filler
                && own_unit
                && matches!(state, State::Draft | State::Returned)
        }
        Action::Move(transition) => {
            if transition.apply(state).is_none() {
                return false;
            }
            match transition {
                Transition::Submit => actor.role == Role::Filler && own_unit,
                Transition::Approve => matches!(actor.role, Role::Reviewer | Role::Admin) && above,
                Transition::Return => match state {
                    State::Submitted => matches!(actor.role, Role::Reviewer | Role::Admin) && above,
                    _ => actor.role == Role::Admin && above,
                },
                Transition::Publish => actor.role == Role::Admin && above,
            }
        }
    }
}

/// Why a move was refused, in words a user can act on.
pub fn refusal(actor: &Actor, transition: Transition, owner: &Owner, state: State) -> String {
    if transition.apply(state).is_none() {
        return format!("表单当前为“{}”，不能{}", state.label(), transition.label());
    }
    if !owner.is_under(actor.org) {
        return "无权操作其他单位的表单".to_owned();
    }
    format!("{}角色不能{}", actor.role.label(), transition.label())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FINANCE: OrgId = 1;
    const DEPARTMENT: OrgId = 2;
    const UNIT: OrgId = 3;
    const OTHER_DEPARTMENT: OrgId = 4;
    const OTHER_UNIT: OrgId = 5;

    fn owner() -> Owner {
        Owner {
            unit: UNIT,
            ancestors: vec![DEPARTMENT, FINANCE],
        }
    }

    fn actor(role: Role, org: OrgId) -> Actor {
        Actor { role, org }
    }

    #[test]
    fn a_form_goes_from_draft_to_publication() {
        let filler = actor(Role::Filler, UNIT);
        let reviewer = actor(Role::Reviewer, DEPARTMENT);
        let admin = actor(Role::Admin, FINANCE);
        let mut state = State::Draft;
        for (who, transition, next) in [
            (&filler, Transition::Submit, State::Submitted),
            (&reviewer, Transition::Return, State::Returned),
            (&filler, Transition::Submit, State::Submitted),
            (&reviewer, Transition::Approve, State::Approved),
            (&admin, Transition::Publish, State::Published),
        ] {
            assert!(
                allows(who, Action::Move(transition), &owner(), state),
                "{who:?} {transition:?} from {state:?}"
            );
            state = transition.apply(state).unwrap();
            assert_eq!(state, next);
        }
    }

    #[test]
    fn a_submitted_form_cannot_be_edited_by_its_unit() {
        let filler = actor(Role::Filler, UNIT);
        assert!(allows(&filler, Action::Edit, &owner(), State::Draft));
        assert!(allows(&filler, Action::Edit, &owner(), State::Returned));
        for state in [State::Submitted, State::Approved, State::Published] {
            assert!(!allows(&filler, Action::Edit, &owner(), state), "{state:?}");
        }
    }

    #[test]
    fn other_organisations_see_nothing_until_publication() {
        for outsider in [
            actor(Role::Filler, OTHER_UNIT),
            actor(Role::Reviewer, OTHER_DEPARTMENT),
        ] {
            for state in State::ALL {
                let published = state == State::Published;
                assert_eq!(allows(&outsider, Action::Read, &owner(), state), published);
                assert!(!allows(&outsider, Action::Edit, &owner(), state));
                assert!(!allows(&outsider, Action::Comment, &owner(), state));
                for transition in Transition::ALL {
                    assert!(!allows(
                        &outsider,
                        Action::Move(transition),
                        &owner(),
                        state
                    ));
                }
            }
        }
    }

    #[test]
    fn only_the_right_role_moves_a_form() {
        let filler = actor(Role::Filler, UNIT);
        let reviewer = actor(Role::Reviewer, DEPARTMENT);
        let admin = actor(Role::Admin, FINANCE);
        let approve = Action::Move(Transition::Approve);
        let publish = Action::Move(Transition::Publish);
        assert!(!allows(&filler, approve, &owner(), State::Submitted));
        assert!(!allows(&reviewer, publish, &owner(), State::Approved));
        assert!(!allows(
            &reviewer,
            Action::Move(Transition::Submit),
            &owner(),
            State::Draft
        ));
        assert!(allows(&admin, publish, &owner(), State::Approved));
        assert!(!allows(&admin, publish, &owner(), State::Submitted));
        // An approved form goes back only by the finance bureau's decision.
        let back = Action::Move(Transition::Return);
        assert!(!allows(&reviewer, back, &owner(), State::Approved));
        assert!(allows(&admin, back, &owner(), State::Approved));
        assert!(!allows(&admin, back, &owner(), State::Published));
    }

    #[test]
    fn transitions_apply_only_where_the_diagram_has_an_arrow() {
        let arrows: Vec<(Transition, State)> = Transition::ALL
            .into_iter()
            .flat_map(|t| State::ALL.into_iter().map(move |s| (t, s)))
            .filter(|(t, s)| t.apply(*s).is_some())
            .collect();
        assert_eq!(
            arrows,
            vec![
                (Transition::Submit, State::Draft),
                (Transition::Submit, State::Returned),
                (Transition::Return, State::Submitted),
                (Transition::Return, State::Approved),
                (Transition::Approve, State::Submitted),
                (Transition::Publish, State::Approved),
            ]
        );
        assert!(Transition::Return.needs_comment());
        assert!(!Transition::Approve.needs_comment());
    }

    #[test]
    fn names_read_back() {
        for state in State::ALL {
            assert_eq!(State::parse(state.as_str()), Some(state));
        }
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        for transition in Transition::ALL {
            assert_eq!(Transition::parse(transition.as_str()), Some(transition));
        }
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn refusals_say_why() {
        let filler = actor(Role::Filler, UNIT);
        assert_eq!(
            refusal(&filler, Transition::Approve, &owner(), State::Submitted),
            "填报角色不能审核通过"
        );
        assert_eq!(
            refusal(&filler, Transition::Submit, &owner(), State::Approved),
            "表单当前为“已审核”，不能提交"
        );
        let outsider = actor(Role::Reviewer, OTHER_DEPARTMENT);
        assert_eq!(
            refusal(&outsider, Transition::Approve, &owner(), State::Submitted),
            "无权操作其他单位的表单"
        );
    }
}
