//! Following an edit in part, after rust-analyzer's `reparsing.rs`: when a
//! splice replaced one string value of a rule field or of a group's
//! MEMBERS by another string (typing in a field), only that value is parsed
//! again, positions after it move, the rule or group is rebuilt and only
//! the checks that can change run again. Anything else is analysed whole.
//! `tests/it/incremental.rs` checks that following gives what a fresh load
//! gives.

use super::{Document, Version, parse};
use crate::json::Span;
use crate::json::parse::Parsed;
use crate::validate;

/// How the analysis followed the splices of one change.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Followed {
    pub(super) splices: usize,
    /// A splice could not be followed: the whole text is analysed again.
    pub(super) stale: bool,
    /// What the last splice followed in part touched.
    pub(super) touched: Option<validate::Touched>,
}

/// Where a splice that [`Version::follow`] can take landed: member `top`
/// of the root, item `item` of that list, member `member` of that item.
struct Plan {
    top: usize,
    item: usize,
    member: usize,
    target: Target,
    /// The new string value.
    value: String,
}

enum Target {
    Rule(crate::spec::RuleKind, crate::spec::Field),
    GroupMembers,
}

impl Plan {
    fn item<'a>(&self, parsed: &'a Parsed) -> Option<&'a crate::json::Node> {
        parsed.root.as_ref()?.as_object()?[self.top]
            .value
            .as_array()?
            .get(self.item)
    }

    fn node_mut<'a>(&self, root: &'a mut crate::json::Node) -> Option<&'a mut crate::json::Node> {
        use crate::json::NodeKind;
        let NodeKind::Object(top) = &mut root.kind else {
            return None;
        };
        let NodeKind::Array(items) = &mut top.get_mut(self.top)?.value.kind else {
            return None;
        };
        let NodeKind::Object(fields) = &mut items.get_mut(self.item)?.kind else {
            return None;
        };
        Some(&mut fields.get_mut(self.member)?.value)
    }
}

impl Document {
    /// Brings the parse, line index, model and findings up to date after
    /// the text's bytes `old` were replaced by `new_len` bytes, when that
    /// replaced one string value of a rule field or of a group's MEMBERS by
    /// another string (typing in a field): the version follows in part
    /// ([`Version::follow`]) and only the checks that can change are run
    /// again. On a 10 MB file this takes a few milliseconds where analysing
    /// everything takes a third of a second. Gives what was analysed in
    /// part (`None` inside when the model followed but the findings were
    /// worked out whole); any other edit gives `None` and changes nothing.
    pub(super) fn follow(
        &mut self,
        old: Span,
        new_len: usize,
    ) -> Option<Option<validate::Touched>> {
        let touched = self.version.follow(old, new_len)?;
        let at = old.end;
        let delta = new_len as isize - old.len() as isize;
        match touched {
            Some(touched) => {
                self.analysis
                    .update(&self.version.config, touched, at, delta);
                self.diagnostics = self.analysis.diagnostics(&self.version.parsed);
            }
            // The model is right but the findings cannot follow in part (a
            // rule became or stopped being an empty preset): check it all.
            None => self.analyse(),
        }
        Some(touched)
    }
}

impl Version {
    /// The parse, line index and model after the text's bytes `old` were
    /// replaced by `new_len` bytes, when that replaced one string value of
    /// a rule field or of a group's MEMBERS by another string: the tree's
    /// and model's positions after the edit move and that rule or group is
    /// built again. Gives what the checks must look at again (`None`
    /// inside: everything); any other edit gives `None` and changes
    /// nothing.
    pub(super) fn follow(
        &mut self,
        old: Span,
        new_len: usize,
    ) -> Option<Option<validate::Touched>> {
        let plan = self.plan(old, new_len)?;
        let at = old.end;
        let delta = new_len as isize - old.len() as isize;
        let root = self.parsed.root.as_mut()?;
        root.shift(at, delta);
        if let Some(node) = plan.node_mut(root) {
            node.kind = crate::json::NodeKind::String(plan.value.as_str().into());
        }
        for e in &mut self.parsed.errors {
            e.shift(at, delta);
        }
        self.lines.shift(at, delta);
        // Copied first only if a worker still holds the old one.
        let config = std::sync::Arc::make_mut(&mut self.config);
        config.shift(at, delta);
        let Some(item) = plan.item(&self.parsed) else {
            return Some(None);
        };
        let touched = match plan.target {
            Target::Rule(kind, field) => {
                match config.rebuild_rule(kind, plan.item, item, &self.text) {
                    Some(before) if before.empty_preset == self.rule_preset(kind, plan.item) => {
                        self.config
                            .rule_position(kind, plan.item)
                            .map(|position| validate::Touched::Rule { position, field })
                    }
                    _ => None,
                }
            }
            Target::GroupMembers => config
                .rebuild_group(plan.item, item, &self.text)
                .and_then(|_| {
                    self.config
                        .groups
                        .binary_search_by_key(&plan.item, |g| g.index)
                        .ok()
                })
                .map(|position| validate::Touched::GroupMembers { position }),
        };
        Some(touched)
    }

    fn rule_preset(&self, kind: crate::spec::RuleKind, index: usize) -> bool {
        self.config
            .rules(kind)
            .binary_search_by_key(&index, |r| r.index)
            .is_ok_and(|i| self.config.rules(kind)[i].empty_preset)
    }

    /// Whether the splice of `old` (the text already holds the `new_len`
    /// new bytes) is one [`follow`](Self::follow) can take, and where.
    fn plan(&self, old: Span, new_len: usize) -> Option<Plan> {
        use crate::json::NodeKind;
        use crate::spec::{Field, GROUP_MEMBERS, GROUPS_KEY, RuleKind, ValueType};
        let root = self.parsed.root.as_ref()?;
        if validate::is_fatal(&self.parsed)
            || self
                .parsed
                .errors
                .iter()
                .any(|e| e.span.start <= old.end && e.span.end >= old.start)
        {
            return None;
        }
        let top_members = root.as_object()?;
        let top = top_members
            .iter()
            .position(|m| m.value.span.contains(old))?;
        let list = &top_members[top];
        // The model reads only the last of duplicate keys.
        if top_members[top + 1..].iter().any(|m| m.key == list.key) {
            return None;
        }
        let items = list.value.as_array()?;
        let item = items.iter().position(|n| n.span.contains(old))?;
        let fields = items[item].as_object()?;
        let member = fields.iter().position(|m| m.value.span == old)?;
        let m = &fields[member];
        if fields[member + 1..].iter().any(|n| n.key == m.key) {
            return None;
        }
        let NodeKind::String(_) = &m.value.kind else {
            return None;
        };
        let target = if let Some(kind) = RuleKind::from_key(&list.key) {
            let field = Field::from_key(&m.key)?;
            kind.field(field)?;
            if field.value_type() == ValueType::PositiveInteger {
                return None;
            }
            Target::Rule(kind, field)
        } else if list.key == GROUPS_KEY && m.key == GROUP_MEMBERS {
            Target::GroupMembers
        } else {
            return None;
        };
        let token = self.text.get(old.start..old.start + new_len)?;
        if token.contains(['\n', '\r']) {
            return None;
        }
        let parsed = parse(token);
        let Some(crate::json::Node {
            kind: NodeKind::String(value),
            span,
        }) = parsed.root
        else {
            return None;
        };
        // (A value turning blank or not can make a rule an empty preset,
        // which the schema reads differently; `follow` sees that in the
        // rebuilt rule and checks everything then.)
        if !parsed.errors.is_empty() || span != Span::new(0, new_len) {
            return None;
        }
        Some(Plan {
            top,
            item,
            member,
            target,
            value: value.to_string(),
        })
    }
}
