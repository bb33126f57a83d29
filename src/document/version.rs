//! One version of a file as the analyses read it: the text, its parse, its
//! model, its line index and its formatting style. A splice gives the next
//! version, the parse and model following in part where they can
//! (`reparse.rs`). The editor's [`Document`](super::Document) wraps one and
//! adds the checks, the undo history and the file on disk; an analysis
//! that tries edits (suggestions, tidy) makes versions, not documents.

use std::sync::{Arc, OnceLock};

use crate::json::edit::{self, EditError, Style};
use crate::json::parse::{Parsed, TextEdit, parse};
use crate::json::{LineIndex, Span};
use crate::model::Config;

use super::Edit;

/// A text with its parse, model, line index and style.
#[derive(Debug, Clone)]
pub struct Version {
    pub(super) text: String,
    pub(super) parsed: Parsed,
    /// Shared, so that a worker can compile it while the window goes on;
    /// copied before a change while such a share is alive.
    pub(super) config: Arc<Config>,
    pub(super) lines: LineIndex,
    pub(super) style: Style,
    /// The password values of the text, found when first asked for.
    pub(super) secrets: OnceLock<crate::secrets::Secrets>,
}

impl Version {
    /// Reads a text: parse, model and line index (no checks).
    pub fn from_text(text: impl Into<String>) -> Version {
        let text = text.into();
        let parsed = parse(&text);
        let config = model_of(&parsed, &text, crate::par::Threads::Auto);
        Version::of(text, parsed, config)
    }

    /// A version from its parts, read already.
    pub(super) fn of(text: String, parsed: Parsed, config: Arc<Config>) -> Version {
        Version {
            lines: LineIndex::new(&text),
            style: Style::detect(&text),
            text,
            parsed,
            config,
            secrets: OnceLock::new(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }
    pub fn parsed(&self) -> &Parsed {
        &self.parsed
    }
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// The model, shared: for work on another thread.
    pub fn shared_config(&self) -> Arc<Config> {
        Arc::clone(&self.config)
    }
    pub fn lines(&self) -> &LineIndex {
        &self.lines
    }
    /// The password values of the text, to mask in everything shown or
    /// printed of it (worked out once per version).
    pub fn secrets(&self) -> &crate::secrets::Secrets {
        self.secrets
            .get_or_init(|| crate::secrets::Secrets::of(self.parsed.root.as_ref(), &self.text))
    }

    /// The text splice that makes `edit`, in the file's own style.
    pub fn splice_for(&self, edit: &Edit) -> Result<TextEdit, EditError> {
        let root = || {
            self.parsed
                .root
                .as_ref()
                .ok_or_else(|| EditError::NotFound(String::new()))
        };
        let text = &self.text;
        let style = &self.style;
        match edit {
            Edit::Text(t) => self.check_span(t.span).map(|()| t.clone()),
            Edit::SetValue { pointer, value } => {
                edit::set_value(text, root()?, style, pointer, value)
            }
            Edit::InsertMember {
                pointer,
                key,
                value,
                index,
            } => edit::insert_member(text, root()?, style, pointer, key, value, *index),
            Edit::RemoveMember { pointer, key } => edit::remove_member(root()?, pointer, key),
            Edit::InsertItem {
                pointer,
                value,
                index,
            } => edit::insert_item(text, root()?, style, pointer, value, *index),
            Edit::RemoveItem { pointer, index } => edit::remove_item(root()?, pointer, *index),
            Edit::MoveItem { pointer, from, to } => {
                edit::move_entry(text, root()?, pointer, *from, *to)
            }
        }
    }

    /// Whether a raw splice's span lies within the text, on character
    /// boundaries.
    pub(super) fn check_span(&self, span: Span) -> Result<(), EditError> {
        if span.start > span.end
            || span.end > self.text.len()
            || !self.text.is_char_boundary(span.start)
            || !self.text.is_char_boundary(span.end)
        {
            return Err(EditError::NotFound(format!(
                "bytes {}..{}",
                span.start, span.end
            )));
        }
        Ok(())
    }

    /// The version after `splice`: the parse and model follow in part when
    /// the splice replaced one string of a rule field or of a group's
    /// MEMBERS, else the text is read again.
    pub fn spliced(&self, splice: &TextEdit) -> Version {
        let mut next = self.clone();
        edit::apply(&mut next.text, splice);
        next.secrets = OnceLock::new();
        if next.follow(splice.span, splice.replacement.len()).is_none() {
            next.reread(crate::par::Threads::Auto);
        }
        next
    }

    /// Reads the text again: parse, model and line index.
    pub(super) fn reread(&mut self, threads: crate::par::Threads) {
        self.parsed = parse(&self.text);
        self.config = model_of(&self.parsed, &self.text, threads);
        self.lines = LineIndex::new(&self.text);
    }
}

/// The model of a parsed text.
pub(super) fn model_of(parsed: &Parsed, text: &str, threads: crate::par::Threads) -> Arc<Config> {
    Arc::new(match &parsed.root {
        Some(root) => Config::from_tree_with(root, text, threads),
        None => Config::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Followed in part (a field typed) or read again (a rule added or
    /// removed), the next version is what reading its text gives.
    #[test]
    fn a_spliced_version_reads_as_its_text_read_afresh() {
        let v = Version::from_text(
            "{\n  \"DENY_CHECKOUTS\": [ { \"USERS\": \"bob\", \"FEATURES\": \"CAD\" } ],\n  \"GROUPS\": [ { \"NAME\": \"G\", \"MEMBERS\": \"anna\" } ]\n}\n",
        );
        let edits = [
            Edit::SetValue {
                pointer: "/DENY_CHECKOUTS/0/USERS".into(),
                value: json!("anna;G"),
            },
            Edit::SetValue {
                pointer: "/GROUPS/0/MEMBERS".into(),
                value: json!("bob;zed"),
            },
            Edit::InsertItem {
                pointer: "/DENY_CHECKOUTS".into(),
                value: json!({ "USERS": "carl" }),
                index: Some(1),
            },
            Edit::RemoveItem {
                pointer: "/GROUPS".into(),
                index: 0,
            },
        ];
        for edit in &edits {
            let splice = v.splice_for(edit).expect("splice");
            let next = v.spliced(&splice);
            let fresh = Version::from_text(next.text());
            assert_ne!(next.text(), v.text(), "{edit:?}");
            assert_eq!(next.parsed(), fresh.parsed(), "{edit:?}");
            assert_eq!(next.config(), fresh.config(), "{edit:?}");
            assert_eq!(next.lines(), fresh.lines(), "{edit:?}");
        }
        // The first version is untouched.
        assert!(v.text().contains("\"bob\""));
    }
}
