//! What the views derive from the document: counts, which rules and groups
//! the filter shows, where groups are used, diagnostics by place and the
//! words to complete. Worked out once per change of the text or the filter,
//! not once per frame: with thousands of rules, a frame must stay cheap.

use std::collections::HashMap;

use crate::diag::Severity;
use crate::document::Document;
use crate::json::Node;
use crate::spec::{Field, RuleKind};

#[derive(Debug, Default)]
pub struct Derived {
    /// The document generation and filter this was worked out for.
    key: Option<(u64, String)>,
    /// Per rule list (in [`RuleKind::ALL`] order): the list's length and the
    /// indices of the items the filter shows.
    pub lists: Vec<(usize, Vec<usize>)>,
    /// Positions in `Config::groups` of the groups the filter shows.
    pub groups: Vec<usize>,
    /// Per rule list: errors and warnings inside it.
    pub list_problems: Vec<usize>,
    /// Errors, warnings, notes.
    pub by_severity: [usize; 3],
    /// Per group (by position in `Config::groups`): the rules and groups
    /// that name it.
    pub used_by: Vec<Vec<String>>,
    /// Diagnostic indices by the pointer they concern.
    diags_at: HashMap<String, Vec<usize>>,
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
        let same_text = self
            .key
            .as_ref()
            .is_some_and(|(g, _)| *g == doc.generation());
        self.key = Some((doc.generation(), filter.to_string()));
        self.shown(doc, filter);
        if !same_text {
            self.recount(doc);
        }
    }

    fn shown(&mut self, doc: &Document, filter: &str) {
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

    fn recount(&mut self, doc: &Document) {
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
            .map(|kind| {
                let list = format!("/{}", kind.key());
                diags
                    .iter()
                    .filter(|d| d.severity != Severity::Info && under(&d.pointer, &list))
                    .count()
            })
            .collect();

        let index = &cfg.group_index;
        let mut used: Vec<Vec<String>> = vec![Vec::new(); cfg.groups.len()];
        for r in cfg.all_rules() {
            for f in [Field::Users, Field::ExceptUsers] {
                for e in r.list(f).map_or(&[][..], |l| &l.entries) {
                    if let Some(g) = index.lookup_entry(e)
                        && used[g].last() != Some(&r.pointer)
                    {
                        used[g].push(r.pointer.clone());
                    }
                }
            }
        }
        for (gi, g) in cfg.groups.iter().enumerate() {
            for e in g.members.as_ref().map_or(&[][..], |m| &m.entries) {
                if let Some(t) = index.lookup_entry(e)
                    && t != gi
                    && used[t].last() != Some(&g.pointer)
                {
                    used[t].push(g.pointer.clone());
                }
            }
        }
        self.used_by = used;

        let words = |field: Field| {
            let mut v: Vec<String> = cfg
                .all_rules()
                .filter_map(|r| r.list(field))
                .flat_map(|l| &l.entries)
                .filter(|e| !e.text.contains(['*', '?']))
                .map(|e| e.text.clone())
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

    pub fn problems_in(&self, kind: RuleKind) -> usize {
        let i = RuleKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        self.list_problems.get(i).copied().unwrap_or(0)
    }
}

/// Whether `pointer` is `parent` or inside it.
pub fn under(pointer: &str, parent: &str) -> bool {
    pointer == parent || pointer.starts_with(parent) && pointer[parent.len()..].starts_with('/')
}
