//! The rule-file model: the rule lists, groups and settings of a parsed
//! `ServerConfig.json`, each value with its JSON Pointer and source range.
//!
//! The model is a read-only view built from the tree. Values of the wrong type
//! are left out here (as if missing) and reported by the validator.

use crate::json::{Member, Node, NodeKind, Span, child_pointer};
use crate::pattern::{Folded, Kind, Pattern, means_any, split_entries};
use crate::spec::{Field, GROUP_MEMBERS, GROUP_NAME, GROUPS_KEY, RuleKind};

/// One entry of a `;`-separated list, as kept in the list: where its text
/// is in the list's value and what it is. No strings of its own (16 bytes):
/// a large file has millions of entries, and owned copies of their text made
/// the entries most of the memory. [`EntryList::iter`] gives each with its
/// text as an [`EntryRef`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    /// The trimmed text is `raw[at..at + len]`.
    at: u32,
    len: u32,
    kind: Kind,
}

/// An entry with its text, borrowed from its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRef<'a> {
    pub text: &'a str,
    pub kind: Kind,
    /// Where the entry is in its list's string value, counted from the
    /// opening quote (the whole value, quotes included, if it has escapes).
    /// Relative, so that an edit before the list does not move its entries;
    /// [`EntryList::span_of`] gives the place in the file.
    rel: (u32, u32),
}

impl<'a> EntryRef<'a> {
    /// The full pattern, worked out from the text (for what the compact
    /// [`Kind`] leaves out: an IPv6 address, a wildcard's pieces, why an IP
    /// form is malformed).
    pub fn pattern(&self) -> Pattern {
        Pattern::parse(self.text)
    }

    /// The text in folded case, for comparing names; no copy when the text
    /// is already folded.
    pub fn folded(&self) -> Folded<'a> {
        let already = matches!(self.kind, Kind::Name { folded: true, .. });
        Folded::of(self.text, already)
    }
}

/// Offsets are kept in 32 bits: files are at most
/// [`MAX_FILE_BYTES`](crate::document::MAX_FILE_BYTES), far below 4 GB.
fn at(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A `;`-separated list value (USERS, MEMBERS, FEATURES, ...).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntryList {
    pub raw: compact_str::CompactString,
    /// The span of the string value, quotes included.
    pub span: Span,
    pub pointer: String,
    /// The value has no escapes, so an entry's place in `raw` maps straight
    /// onto the file; otherwise every entry points at the whole value.
    direct: bool,
    entries: Vec<Entry>,
}

impl EntryList {
    fn from_node(node: &Node, text: &str, pointer: String) -> Option<EntryList> {
        let raw = node.as_str()?;
        let inner = text.get(node.span.start + 1..node.span.end.saturating_sub(1));
        let direct = inner == Some(raw);
        // Sized up front: a list can hold a million entries, and growing
        // the vector by doubling copied it over and over.
        let mut entries = Vec::with_capacity(memchr::memchr_iter(b';', raw.as_bytes()).count() + 1);
        entries.extend(split_entries(raw).map(|e| Entry {
            at: at(e.offset),
            len: at(e.text.len()),
            kind: Kind::of(e.text),
        }));
        Some(EntryList {
            raw: raw.into(),
            span: node.span,
            pointer,
            direct,
            entries,
        })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn entry_ref(&self, e: &Entry) -> EntryRef<'_> {
        let (start, end) = (e.at as usize, e.at as usize + e.len as usize);
        EntryRef {
            text: self.raw.get(start..end).unwrap_or_default(),
            kind: e.kind,
            rel: if self.direct {
                (at(1 + start), at(1 + end))
            } else {
                (0, at(self.span.len()))
            },
        }
    }

    /// The entries in order, each with its text.
    pub fn iter(
        &self,
    ) -> impl DoubleEndedIterator<Item = EntryRef<'_>> + ExactSizeIterator + Clone {
        self.entries.iter().map(|e| self.entry_ref(e))
    }

    pub fn get(&self, i: usize) -> Option<EntryRef<'_>> {
        self.entries.get(i).map(|e| self.entry_ref(e))
    }

    /// Empty, only separators, or the single entry `*`.
    pub fn means_any(&self) -> bool {
        means_any(&self.raw)
    }

    /// Where an entry of this list is in the file (the whole value if the
    /// value has escapes).
    pub fn span_of(&self, e: &EntryRef<'_>) -> Span {
        Span::new(
            self.span.start + e.rel.0 as usize,
            self.span.start + e.rel.1 as usize,
        )
    }

    /// Where the `i`th entry and one separator beside it are in the file
    /// (the one before it, or after it for the first): what removing the
    /// entry takes out. `None` when the value has escapes (an entry's place
    /// in the file is not known) or there is no such entry.
    pub fn removal_span(&self, i: usize) -> Option<Span> {
        if !self.direct {
            return None;
        }
        let this = self.entries.get(i)?;
        let end = |e: &Entry| e.at as usize + e.len as usize;
        let (start, stop) = match (
            i.checked_sub(1).and_then(|p| self.entries.get(p)),
            self.entries.get(i + 1),
        ) {
            (Some(prev), _) => (end(prev), end(this)),
            (None, Some(next)) => (this.at as usize, next.at as usize),
            (None, None) => (this.at as usize, end(this)),
        };
        // `raw` starts one byte into the value (after its quote).
        Some(Span::new(
            self.span.start + 1 + start,
            self.span.start + 1 + stop,
        ))
    }

    fn shift(&mut self, at: usize, delta: isize) {
        // Entries are placed relative to the value: an edit inside the
        // value builds the list anew, and one outside moves it whole.
        self.span.shift(at, delta);
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct IntValue {
    pub value: i64,
    pub span: Span,
}

/// The `Some`s, in a vector of exactly their number: collecting through
/// `flatten` grows by doubling, up to twice the room a million rules need.
fn exact<T>(items: Vec<Option<T>>) -> Vec<T> {
    let n = items.iter().filter(|i| i.is_some()).count();
    let mut out = Vec::with_capacity(n);
    out.extend(items.into_iter().flatten());
    out
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub kind: RuleKind,
    /// Position in its list.
    pub index: usize,
    /// JSON Pointer of the rule object, like `/DENY_CHECKOUTS/0`.
    pub pointer: String,
    pub span: Span,
    pub users: Option<Box<EntryList>>,
    pub except_users: Option<Box<EntryList>>,
    pub features: Option<Box<EntryList>>,
    pub serials: Option<Box<EntryList>>,
    pub count: Option<IntValue>,
    pub hours: Option<IntValue>,
    /// COUNT or HOURS present but not a whole number from 1 to 2^31-1:
    /// the engine ignores the rule (`docs/semantics.md` section 8.1).
    pub invalid_number: Option<Field>,
    pub comment: Option<String>,
    /// All keys missing or empty strings (COMMENT aside): ignored by the server.
    pub empty_preset: bool,
}

impl Rule {
    pub fn list(&self, field: Field) -> Option<&EntryList> {
        match field {
            Field::Users => self.users.as_deref(),
            Field::ExceptUsers => self.except_users.as_deref(),
            Field::Features => self.features.as_deref(),
            Field::SerialNumbers => self.serials.as_deref(),
            _ => None,
        }
    }

    /// Its USERS and EXCEPT_USERS, where present: the lists that name
    /// principals.
    pub fn principal_lists(&self) -> impl Iterator<Item = &EntryList> {
        [self.users.as_deref(), self.except_users.as_deref()]
            .into_iter()
            .flatten()
    }

    /// Whether the rule covers every feature.
    pub fn any_feature(&self) -> bool {
        self.features.as_deref().is_none_or(EntryList::means_any)
    }

    pub fn any_serial(&self) -> bool {
        self.serials.as_deref().is_none_or(EntryList::means_any)
    }

    fn shift(&mut self, at: usize, delta: isize) {
        if self.span.end < at {
            return;
        }
        self.span.shift(at, delta);
        for list in [
            &mut self.users,
            &mut self.except_users,
            &mut self.features,
            &mut self.serials,
        ]
        .into_iter()
        .flatten()
        {
            list.shift(at, delta);
        }
        for v in [&mut self.count, &mut self.hours].into_iter().flatten() {
            v.span.shift(at, delta);
        }
    }

    /// Whether USERS means everyone (only where USERS is optional).
    pub fn any_user(&self) -> bool {
        self.kind.users_optional() && self.users.as_deref().is_none_or(EntryList::means_any)
            || self
                .users
                .as_ref()
                .is_some_and(|u| u.len() == 1 && u.get(0).is_some_and(|e| e.kind == Kind::Any))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleList {
    pub kind: RuleKind,
    pub key_span: Span,
    pub span: Span,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub index: usize,
    pub pointer: String,
    pub span: Span,
    pub name: Option<String>,
    pub name_span: Option<Span>,
    pub members: Option<EntryList>,
}

/// A top-level key that is not a rule list or GROUPS.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// The rule lists present in the file, in file order.
    pub lists: Vec<RuleList>,
    pub groups: Vec<Group>,
    /// Span of the GROUPS array, if present.
    pub groups_span: Option<Span>,
    pub settings: Vec<Setting>,
    /// Groups by name, built once with the model (validation, the engine and
    /// the editor all look groups up).
    pub group_index: GroupIndex,
}

impl Config {
    /// Builds the model from a parsed root. Non-objects give an empty model.
    pub fn from_tree(root: &Node, text: &str) -> Config {
        Config::from_tree_with(root, text, crate::par::Threads::Auto)
    }

    /// [`Config::from_tree`] on `threads` threads.
    pub fn from_tree_with(root: &Node, text: &str, threads: crate::par::Threads) -> Config {
        let mut cfg = Config::default();
        let Some(members) = root.as_object() else {
            return cfg;
        };
        for (i, m) in members.iter().enumerate() {
            // With duplicate keys only the last occurrence is effective.
            if members[i + 1..].iter().any(|later| later.key == m.key) {
                continue;
            }
            if let Some(kind) = RuleKind::from_key(&m.key) {
                if let Some(items) = m.value.as_array() {
                    let threads = threads.for_bytes(m.value.span.len());
                    let rules = exact(crate::par::map(items, threads, |idx, item| {
                        rule(kind, idx, item, text)
                    }));
                    cfg.lists.push(RuleList {
                        kind,
                        key_span: m.key_span,
                        span: m.value.span,
                        rules,
                    });
                }
            } else if m.key == GROUPS_KEY {
                if let Some(items) = m.value.as_array() {
                    cfg.groups_span = Some(m.value.span);
                    let threads = threads.for_bytes(m.value.span.len());
                    cfg.groups = exact(crate::par::map(items, threads, |idx, item| {
                        group(idx, item, text)
                    }));
                }
            } else {
                cfg.settings.push(Setting {
                    key: m.key.to_string(),
                    key_span: m.key_span,
                    value: m.value.clone(),
                });
            }
        }
        cfg.group_index = GroupIndex::new(&cfg.groups);
        cfg
    }

    pub fn list(&self, kind: RuleKind) -> Option<&RuleList> {
        self.lists.iter().find(|l| l.kind == kind)
    }

    /// The rules of one kind (none if the list is missing).
    pub fn rules(&self, kind: RuleKind) -> &[Rule] {
        self.list(kind).map_or(&[], |l| &l.rules)
    }

    pub fn all_rules(&self) -> impl Iterator<Item = &Rule> {
        self.lists.iter().flat_map(|l| l.rules.iter())
    }

    /// Every list that names principals: each rule's USERS and
    /// EXCEPT_USERS, then each group's MEMBERS, in file order.
    pub fn principal_lists(&self) -> impl Iterator<Item = &EntryList> {
        self.all_rules()
            .flat_map(Rule::principal_lists)
            .chain(self.groups.iter().filter_map(|g| g.members.as_ref()))
    }

    pub fn setting(&self, key: &str) -> Option<&Setting> {
        self.settings.iter().find(|s| s.key == key)
    }

    /// Moves every span of the model after an edit that ended at `at` and
    /// changed the length of the text by `delta` (see [`Span::shift`]).
    pub fn shift(&mut self, at: usize, delta: isize) {
        for list in &mut self.lists {
            list.key_span.shift(at, delta);
            list.span.shift(at, delta);
            for r in &mut list.rules {
                r.shift(at, delta);
            }
        }
        for g in &mut self.groups {
            if g.span.end < at {
                continue;
            }
            g.span.shift(at, delta);
            if let Some(s) = &mut g.name_span {
                s.shift(at, delta);
            }
            if let Some(m) = &mut g.members {
                m.shift(at, delta);
            }
        }
        if let Some(s) = &mut self.groups_span {
            s.shift(at, delta);
        }
        for s in &mut self.settings {
            s.key_span.shift(at, delta);
            s.value.shift(at, delta);
        }
    }

    /// Builds rule `index` of the `kind` list again from its (edited) node,
    /// in place; gives the rule as it was. `None` when the model has no such
    /// rule.
    pub(crate) fn rebuild_rule(
        &mut self,
        kind: RuleKind,
        index: usize,
        node: &Node,
        text: &str,
    ) -> Option<Rule> {
        let list = self.lists.iter_mut().find(|l| l.kind == kind)?;
        let at = list.rules.binary_search_by_key(&index, |r| r.index).ok()?;
        let new = rule(kind, index, node, text)?;
        Some(std::mem::replace(&mut list.rules[at], new))
    }

    /// The position of a rule in [`all_rules`](Self::all_rules).
    pub(crate) fn rule_position(&self, kind: RuleKind, index: usize) -> Option<usize> {
        let mut before = 0;
        for list in &self.lists {
            if list.kind == kind {
                return list
                    .rules
                    .binary_search_by_key(&index, |r| r.index)
                    .ok()
                    .map(|i| before + i);
            }
            before += list.rules.len();
        }
        None
    }

    /// Builds group `index` of GROUPS again from its (edited) node, in place;
    /// gives the group as it was. The group index is not rebuilt: callers
    /// only use this when NAME did not change.
    pub(crate) fn rebuild_group(&mut self, index: usize, node: &Node, text: &str) -> Option<Group> {
        let at = self.groups.binary_search_by_key(&index, |g| g.index).ok()?;
        let new = group(index, node, text)?;
        Some(std::mem::replace(&mut self.groups[at], new))
    }

    /// Finds a rule by its pointer.
    pub fn rule_at(&self, pointer: &str) -> Option<&Rule> {
        self.rule(crate::rule_id::RuleId::parse(pointer)?)
    }

    /// Finds a rule by its id.
    pub fn rule(&self, id: crate::rule_id::RuleId) -> Option<&Rule> {
        // Rules are in file order; entries that are not objects are left
        // out, so the position is found by search rather than taken as is.
        let rules = self.rules(id.kind);
        rules
            .binary_search_by_key(&(id.index as usize), |r| r.index)
            .ok()
            .map(|i| &rules[i])
    }
}

/// Looks groups up by name. Names compare case-insensitively; with duplicate
/// names the first group is used (the duplicate is an error).
#[derive(Debug, Clone, Default)]
pub struct GroupIndex {
    /// Folded name and position, by [`name_hash`] of the folded name.
    by_name: hashbrown::HashTable<(String, usize)>,
}

/// The hash a folded name is looked up by: worked out once per entry by a
/// caller that asks more than one table (`validate::units`).
pub fn name_hash(folded: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(folded)
}

impl PartialEq for GroupIndex {
    fn eq(&self, other: &Self) -> bool {
        self.by_name.len() == other.by_name.len()
            && self
                .by_name
                .iter()
                .all(|(n, i)| other.lookup_folded(n) == Some(*i))
    }
}

impl GroupIndex {
    pub fn new(groups: &[Group]) -> Self {
        let mut by_name = hashbrown::HashTable::with_capacity(groups.len());
        for (i, g) in groups.iter().enumerate() {
            if let Some(name) = g.name.as_deref().filter(|n| !n.is_empty()) {
                let folded = crate::pattern::fold(name);
                let hash = name_hash(&folded);
                if by_name
                    .find(hash, |(n, _): &(String, usize)| *n == folded)
                    .is_none()
                {
                    by_name.insert_unique(hash, (folded, i), |(n, _)| name_hash(n));
                }
            }
        }
        GroupIndex { by_name }
    }

    /// The group an entry refers to: [`lookup`](Self::lookup), without
    /// trimming (an entry is trimmed) or copying a name already in lower
    /// case.
    pub fn lookup_entry(&self, e: &EntryRef<'_>) -> Option<usize> {
        match e.kind {
            Kind::Name { .. } => self.lookup_folded(&e.folded()),
            _ => self.lookup(e.text),
        }
    }

    /// The group of this folded name.
    pub fn lookup_folded(&self, folded: &str) -> Option<usize> {
        self.lookup_hashed(name_hash(folded), folded)
    }

    /// [`lookup_folded`](Self::lookup_folded) of a name whose
    /// [`name_hash`] is known.
    pub fn lookup_hashed(&self, hash: u64, folded: &str) -> Option<usize> {
        self.by_name
            .find(hash, |(n, _)| n == folded)
            .map(|&(_, i)| i)
    }

    /// The group an entry refers to, if its text is a group's NAME.
    pub fn lookup(&self, entry_text: &str) -> Option<usize> {
        self.lookup_folded(&crate::pattern::fold(entry_text.trim()))
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

fn last_member<'a>(members: &'a [Member], key: &str) -> Option<&'a Member> {
    members.iter().rev().find(|m| m.key == key)
}

fn int_value(node: &Node) -> Option<IntValue> {
    match &node.kind {
        NodeKind::Number(n) => {
            let v = n.int.or_else(|| {
                (n.value.fract() == 0.0 && n.value.abs() < 9.0e15).then_some(n.value as i64)
            })?;
            Some(IntValue {
                value: v,
                span: node.span,
            })
        }
        _ => None,
    }
}

fn rule(kind: RuleKind, index: usize, node: &Node, text: &str) -> Option<Rule> {
    let members = node.as_object()?;
    let pointer = child_pointer(&format!("/{}", kind.key()), index);
    let list = |field: Field| -> Option<Box<EntryList>> {
        kind.field(field)?;
        let m = last_member(members, field.key())?;
        EntryList::from_node(&m.value, text, child_pointer(&pointer, field.key())).map(Box::new)
    };
    let int = |field: Field| -> Option<IntValue> {
        kind.field(field)?;
        int_value(&last_member(members, field.key())?.value)
    };
    // Empty means no entries (semantics 9.1): `""`, `"  "`, `";"` and
    // `" ; "` alike.
    let empty_preset = members.iter().all(|m| {
        m.key == Field::Comment.key()
            || m.value
                .as_str()
                .is_some_and(|s| crate::pattern::split_entries(s).next().is_none())
    });
    Some(Rule {
        kind,
        index,
        users: list(Field::Users),
        except_users: list(Field::ExceptUsers),
        features: list(Field::Features),
        serials: list(Field::SerialNumbers),
        count: int(Field::Count),
        hours: int(Field::Hours),
        invalid_number: [Field::Count, Field::Hours].into_iter().find(|&f| {
            kind.field(f).is_some()
                && last_member(members, f.key()).is_some_and(|m| {
                    int_value(&m.value)
                        .is_none_or(|v| !(1..=i64::from(i32::MAX)).contains(&v.value))
                })
        }),
        comment: last_member(members, Field::Comment.key())
            .and_then(|m| m.value.as_str().map(str::to_string)),
        empty_preset,
        span: node.span,
        pointer,
    })
}

fn group(index: usize, node: &Node, text: &str) -> Option<Group> {
    let members = node.as_object()?;
    let pointer = child_pointer("/GROUPS", index);
    let name = last_member(members, GROUP_NAME);
    Some(Group {
        index,
        span: node.span,
        name: name.and_then(|m| m.value.as_str().map(|s| s.trim().to_string())),
        name_span: name.map(|m| m.value.span),
        members: last_member(members, GROUP_MEMBERS).and_then(|m| {
            EntryList::from_node(&m.value, text, child_pointer(&pointer, GROUP_MEMBERS))
        }),
        pointer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse::parse;

    fn config(text: &str) -> Config {
        let root = parse(text).root.expect("root");
        Config::from_tree(&root, text)
    }

    #[test]
    fn builds_rules_groups_and_settings() {
        let text = r#"{
  "TCP_PORT": 6200,
  "DENY_CHECKOUTS": [ { "USERS": "bob; PC*", "FEATURES": "EXPORT_ALL" }, { "USERS": "", "COMMENT": "preset" } ],
  "LIMIT_BORROWS": [ { "EXCEPT_USERS": "Privileged User", "HOURS": 168 } ],
  "GROUPS": [ { "NAME": " CAD ", "MEMBERS": "anna;&Designers" } ],
  "X_UNKNOWN": true
}"#;
        let c = config(text);
        assert_eq!(c.lists.len(), 2);
        let deny = c.rules(RuleKind::DenyCheckouts);
        assert_eq!(deny.len(), 2);
        assert_eq!(deny[0].pointer, "/DENY_CHECKOUTS/0");
        let users = deny[0].users.as_deref().expect("users");
        assert_eq!(users.len(), 2);
        assert_eq!(
            {
                let e = users.get(1).expect("second entry");
                &text[users.span_of(&e).start..users.span_of(&e).end]
            },
            "PC*"
        );
        assert!(!deny[0].empty_preset);
        assert!(deny[1].empty_preset);
        assert!(deny[1].any_user());
        let lb = &c.rules(RuleKind::LimitBorrows)[0];
        assert_eq!(lb.hours.as_ref().map(|h| h.value), Some(168));
        assert!(lb.any_user());
        assert_eq!(c.groups[0].name.as_deref(), Some("CAD"));
        assert_eq!(c.settings.len(), 2);
        assert!(c.setting("X_UNKNOWN").is_some());
    }

    #[test]
    fn keys_outside_the_kind_are_not_read() {
        let c = config(r#"{"DENY_CHECKOUTS": [{"USERS": "a", "HOURS": 5, "COUNT": "3"}]}"#);
        let r = &c.rules(RuleKind::DenyCheckouts)[0];
        assert!(r.hours.is_none());
        assert!(r.count.is_none());
    }

    #[test]
    fn an_entry_owns_no_text() {
        // A large file has millions of entries; each is two offsets and a
        // kind, with the text read from the list's value.
        assert!(std::mem::size_of::<Entry>() <= 16);
        let text = r#"{"ALLOW_CHECKOUTS": [{"USERS": " Ann ; pc* ;4.3.2.1;&Local"}]}"#;
        let c = config(text);
        let u = c.rules(RuleKind::AllowCheckouts)[0]
            .users
            .clone()
            .expect("users");
        let got: Vec<(&str, &str)> = u.iter().map(|e| (e.text, e.kind.label())).collect();
        assert_eq!(
            got,
            [
                ("Ann", "user or host"),
                ("pc*", "name wildcard"),
                ("4.3.2.1", "IPv4 address"),
                ("&Local", "local group")
            ]
        );
        let spans: Vec<&str> = u
            .iter()
            .map(|e| &text[u.span_of(&e).start..u.span_of(&e).end])
            .collect();
        assert_eq!(spans, ["Ann", "pc*", "4.3.2.1", "&Local"]);
        assert_eq!(&*u.get(0).expect("Ann").folded(), "ann");
    }

    #[test]
    fn escaped_strings_point_at_the_whole_value() {
        let text = r#"{"ALLOW_CHECKOUTS": [{"USERS": "a\u0062;c"}]}"#;
        let c = config(text);
        let u = c.rules(RuleKind::AllowCheckouts)[0]
            .users
            .clone()
            .expect("users");
        let e = u.get(0).expect("an entry");
        assert_eq!(e.text, "ab");
        assert_eq!(u.span_of(&e), u.span);
    }
}
