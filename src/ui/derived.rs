//! What the views derive from the document: counts, which rules and groups
//! the filter shows, where groups are used, diagnostics by place and the
//! words to complete. Worked out once per change of the text or the filter,
//! not once per frame: with thousands of rules, a frame must stay cheap.

use std::collections::HashMap;

use crate::diag::Severity;
use crate::document::Document;
use crate::json::Node;
use crate::spec::{Field, RuleKind};
use crate::validate::Touched;

/// A rule (list and position in it, as in `Config::lists`) or a group
/// (position in `Config::groups`) that names a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Referrer {
    Rule(usize, usize),
    Group(usize),
}

impl Referrer {
    /// Its JSON Pointer in `cfg`.
    pub fn pointer(self, cfg: &crate::model::Config) -> Option<&str> {
        match self {
            Referrer::Rule(l, r) => Some(&cfg.lists.get(l)?.rules.get(r)?.pointer),
            Referrer::Group(g) => Some(&cfg.groups.get(g)?.pointer),
        }
    }
}

#[derive(Debug, Default)]
pub struct Derived {
    /// The document generation and filter this was worked out for.
    key: Option<(u64, String)>,
    /// Per rule list (in [`RuleKind::ALL`] order): the list's length and the
    /// indices of the items the filter shows.
    pub lists: Vec<(usize, Vec<usize>)>,
    /// Positions in `Config::groups` of the groups the filter shows.
    pub groups: Vec<usize>,
    /// Per rule list: the errors and the warnings inside it.
    pub list_problems: Vec<[usize; 2]>,
    /// Errors, warnings, notes.
    pub by_severity: [usize; 3],
    /// Per group (by position in `Config::groups`): the rules and groups
    /// that name it.
    pub used_by: Vec<Vec<Referrer>>,
    /// Diagnostic indices by the pointer they concern.
    diags_at: HashMap<String, Vec<usize>>,
    /// What the filter shows, in words ("" without a filter).
    pub filter_words: String,
    /// The engine a principal filter was worked out with, for the text
    /// generation it was compiled from.
    engine: Option<(u64, crate::engine::Engine)>,
    /// Names used in FEATURES and in SERIALNUMBERS (no wildcards), sorted.
    pub features: Vec<String>,
    pub serials: Vec<String>,
}

impl Derived {
    /// Brings everything up to date with `doc` and `filter`; cheap when
    /// neither changed.
    pub fn refresh(&mut self, doc: &Document, filter: &str) {
        let filter = filter.trim();
        if self
            .key
            .as_ref()
            .is_some_and(|(g, f)| *g == doc.generation() && f == filter)
        {
            return;
        }
        let had = self.key.as_ref().map(|(g, _)| *g);
        self.key = Some((doc.generation(), filter.to_string()));
        self.shown(doc, filter);
        if had != Some(doc.generation()) {
            // One edit of one field since last time: only what it can change.
            let touched = doc
                .last_change()
                .filter(|(since, _)| had == Some(*since))
                .map(|(_, t)| t);
            self.recount(doc, touched);
        }
    }

    fn shown(&mut self, doc: &Document, filter: &str) {
        let parsed = crate::who::Filter::parse(filter);
        self.filter_words = parsed.describe();
        if let crate::who::Filter::Who { principal, feature } = &parsed {
            return self.reached(doc, principal, feature.as_deref());
        }
        let folded = crate::pattern::fold(filter);
        let root = doc.parsed().root.as_ref();
        let mentions = |node: &Node| {
            folded.is_empty()
                || crate::pattern::fold(&doc.text()[node.span.start..node.span.end])
                    .contains(&folded)
        };
        self.lists = RuleKind::ALL
            .iter()
            .map(|kind| {
                let items = root
                    .and_then(|r| r.pointer(&format!("/{}", kind.key())))
                    .and_then(Node::as_array)
                    .unwrap_or_default();
                let shown = (0..items.len()).filter(|&i| mentions(&items[i])).collect();
                (items.len(), shown)
            })
            .collect();
        let groups = root
            .and_then(|r| r.pointer(&format!("/{}", crate::spec::GROUPS_KEY)))
            .and_then(Node::as_array)
            .unwrap_or_default();
        self.groups = doc
            .config()
            .groups
            .iter()
            .enumerate()
            .filter(|(_, g)| groups.get(g.index).is_some_and(&mentions))
            .map(|(i, _)| i)
            .collect();
    }

    /// The rules and groups a principal filter reaches (compiling the
    /// engine once per change of the text or the filter).
    fn reached(
        &mut self,
        doc: &Document,
        principal: &crate::request::Principal,
        feature: Option<&str>,
    ) {
        let cfg = doc.config();
        // One engine per version of the text, not one per key typed in
        // the filter.
        let generation = doc.generation();
        if self.engine.as_ref().is_none_or(|(g, _)| *g != generation) {
            self.engine = Some((generation, crate::engine::Engine::new(cfg)));
        }
        let Some((_, engine)) = &self.engine else {
            return;
        };
        let r = crate::who::reached(cfg, engine, principal, feature);
        let root = doc.parsed().root.as_ref();
        self.lists = RuleKind::ALL
            .iter()
            .map(|&kind| {
                let len = root
                    .and_then(|r| r.pointer(&format!("/{}", kind.key())))
                    .and_then(Node::as_array)
                    .map_or(0, <[Node]>::len);
                let shown = r
                    .rules
                    .iter()
                    .filter(|id| id.kind == kind)
                    .map(|id| id.index as usize)
                    .filter(|&i| i < len)
                    .collect();
                (len, shown)
            })
            .collect();
        self.groups = r.groups;
        if let Some(f) = feature {
            let verdicts = crate::words::who_verdicts(principal, f, &r.decided);
            if !verdicts.is_empty() {
                self.filter_words = format!("{verdicts} {}", self.filter_words);
            }
        }
    }

    fn recount(&mut self, doc: &Document, touched: Option<Touched>) {
        let cfg = doc.config();
        let diags = doc.diagnostics();
        self.diags_at.clear();
        for (i, d) in diags.iter().enumerate() {
            self.diags_at.entry(d.pointer.clone()).or_default().push(i);
        }
        self.by_severity = [Severity::Error, Severity::Warning, Severity::Info]
            .map(|s| diags.iter().filter(|d| d.severity == s).count());
        self.list_problems = RuleKind::ALL
            .iter()
            .map(|&kind| list_counts(diags, kind))
            .collect();

        let names = |f: Field| matches!(f, Field::Users | Field::ExceptUsers);
        let lists = |f: Field| matches!(f, Field::Features | Field::SerialNumbers);
        let keep_used = matches!(touched, Some(Touched::Rule { field, .. }) if !names(field));
        let keep_words = match touched {
            Some(Touched::Rule { field, .. }) => !lists(field),
            Some(Touched::GroupMembers { .. }) => true,
            None => false,
        };
        if !keep_used {
            self.used_by = used_by(doc);
        }
        if keep_words {
            return;
        }

        let words = |field: Field| {
            let mut v: Vec<String> = cfg
                .all_rules()
                .filter_map(|r| r.list(field))
                .flat_map(|l| l.iter())
                .filter(|e| !e.text.contains(['*', '?']))
                .map(|e| e.text.to_string())
                .collect();
            v.sort_by_cached_key(|w| crate::pattern::fold(w));
            v.dedup_by(|a, b| crate::pattern::fold(a) == crate::pattern::fold(b));
            v
        };
        self.features = words(Field::Features);
        self.serials = words(Field::SerialNumbers);
    }

    /// The diagnostics about exactly `pointer`, as indices into the
    /// document's list.
    pub fn diags_at(&self, pointer: &str) -> &[usize] {
        self.diags_at.get(pointer).map_or(&[], Vec::as_slice)
    }

    /// The list at `kind`: its length and the items shown.
    pub fn list(&self, kind: RuleKind) -> (usize, &[usize]) {
        let i = RuleKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        self.lists
            .get(i)
            .map_or((0, &[][..]), |(n, shown)| (*n, shown.as_slice()))
    }

    /// The errors and warnings inside a rule list: the document's, and
    /// those of `findings` (the rules that do nothing, worked out beside).
    pub fn problems_in(&self, kind: RuleKind, findings: &[crate::diag::Diagnostic]) -> [usize; 2] {
        let i = RuleKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        let [e, w] = self.list_problems.get(i).copied().unwrap_or([0, 0]);
        let [fe, fw] = list_counts(findings, kind);
        [e + fe, w + fw]
    }
}

/// The errors and the warnings of `diags` inside the rule list `kind`.
fn list_counts(diags: &[crate::diag::Diagnostic], kind: RuleKind) -> [usize; 2] {
    let list = format!("/{}", kind.key());
    let mut n = [0, 0];
    for d in diags.iter().filter(|d| under(&d.pointer, &list)) {
        match d.severity {
            Severity::Error => n[0] += 1,
            Severity::Warning => n[1] += 1,
            Severity::Info => {}
        }
    }
    n
}

/// Per group (by position): the rules and other groups that name it, in
/// file order. Read from the validator's references, so it costs the
/// number of references, not a look-up of every entry of the file.
fn used_by(doc: &Document) -> Vec<Vec<Referrer>> {
    let cfg = doc.config();
    let mut used: Vec<Vec<Referrer>> = vec![Vec::new(); cfg.groups.len()];
    let Some((rules, groups)) = doc.analysis().references() else {
        return used;
    };
    let positions = cfg
        .lists
        .iter()
        .enumerate()
        .flat_map(|(l, list)| (0..list.rules.len()).map(move |r| Referrer::Rule(l, r)));
    for (who, refs) in positions.zip(rules) {
        for &g in refs {
            if let Some(u) = used.get_mut(g)
                && u.last() != Some(&who)
            {
                u.push(who);
            }
        }
    }
    for (gi, refs) in groups.enumerate() {
        let who = Referrer::Group(gi);
        for &t in refs {
            if t != gi
                && let Some(u) = used.get_mut(t)
                && u.last() != Some(&who)
            {
                u.push(who);
            }
        }
    }
    used
}

/// Whether `pointer` is `parent` or inside it.
pub fn under(pointer: &str, parent: &str) -> bool {
    pointer == parent || pointer.starts_with(parent) && pointer[parent.len()..].starts_with('/')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Edit;
    use serde_json::Value;

    fn same(a: &Derived, b: &Derived) {
        assert_eq!(a.used_by, b.used_by);
        assert_eq!(a.features, b.features);
        assert_eq!(a.serials, b.serials);
        assert_eq!(a.by_severity, b.by_severity);
        assert_eq!(a.list_problems, b.list_problems);
        assert_eq!(a.diags_at, b.diags_at);
        assert_eq!(a.lists, b.lists);
    }

    /// After each one-field edit, what is kept and what is redone equals
    /// what a fresh derivation gives.
    #[test]
    fn redoing_only_what_an_edit_changes_equals_starting_afresh() {
        let mut doc = Document::from_text(
            r#"{
  "ALLOW_CHECKOUTS": [ { "USERS": "CAD;anna", "FEATURES": "EXPORT_ALL;CAD_BASE", "SERIALNUMBERS": "S-1" } ],
  "DENY_CHECKOUTS": [ { "USERS": "bob", "FEATURES": "EXPORT_ALL" } ],
  "GROUPS": [ { "NAME": "CAD", "MEMBERS": "carl;Design" }, { "NAME": "Design", "MEMBERS": "dora" } ]
}"#,
        );
        let mut kept = Derived::default();
        kept.refresh(&doc, "");
        let edits = [
            ("/DENY_CHECKOUTS/0/USERS", "bob;Design"),
            ("/ALLOW_CHECKOUTS/0/FEATURES", "EXPORT_ALL;VIEW"),
            ("/ALLOW_CHECKOUTS/0/SERIALNUMBERS", "S-2;S-1"),
            ("/GROUPS/1/MEMBERS", "dora;CAD"),
            ("/ALLOW_CHECKOUTS/0/USERS", "anna"),
            ("/DENY_CHECKOUTS/0/FEATURES", "PRINT"),
        ];
        let mut in_part = 0;
        for (pointer, value) in edits {
            doc.apply(&Edit::SetValue {
                pointer: pointer.into(),
                value: Value::String(value.into()),
            })
            .expect("edit");
            in_part += usize::from(doc.last_change().is_some());
            kept.refresh(&doc, "");
            let mut fresh = Derived::default();
            fresh.refresh(&doc, "");
            same(&kept, &fresh);
        }
        assert_eq!(in_part, edits.len(), "every edit was one field");
        // The where-used of Design: the deny rule and the group CAD.
        assert_eq!(
            kept.used_by[1],
            [Referrer::Rule(1, 0), Referrer::Group(0)],
            "{:?}",
            kept.used_by
        );
        assert_eq!(kept.features, ["EXPORT_ALL", "PRINT", "VIEW"]);
    }
}
