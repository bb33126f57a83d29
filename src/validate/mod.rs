//! Validation: syntax, structure (through the JSON Schema) and meaning.
//! Every finding is a [`Diagnostic`] with a stable code, a JSON Pointer, a
//! source range and, where one is certain, a fix.

mod against_pool;
mod near;
mod semantic;
mod structure;
mod units;
mod whole;

use crate::diag::{Code, Diagnostic};
use crate::json::parse::{Parsed, SyntaxKind};
use crate::model::Config;

/// A finding about one entry of a list: placed at the entry, under the
/// list's pointer.
fn at_entry(
    list: &crate::model::EntryList,
    e: &crate::model::EntryRef<'_>,
    code: Code,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(code, list.span_of(e), list.pointer.clone(), message)
}

fn syntax_code(kind: SyntaxKind) -> Code {
    match kind {
        SyntaxKind::EmptyFile => Code::EmptyFile,
        SyntaxKind::TrailingComma => Code::TrailingComma,
        SyntaxKind::Comment => Code::Comment,
        SyntaxKind::UnquotedKey => Code::UnquotedKey,
        SyntaxKind::SingleQuotedString => Code::SingleQuotes,
        SyntaxKind::MissingComma => Code::MissingComma,
        SyntaxKind::MissingColon => Code::MissingColon,
        SyntaxKind::UnterminatedString => Code::UnterminatedString,
        SyntaxKind::InvalidEscape => Code::InvalidEscape,
        SyntaxKind::ControlCharacter => Code::ControlCharacter,
        SyntaxKind::InvalidNumber => Code::InvalidNumber,
        SyntaxKind::UnexpectedEnd => Code::UnexpectedEnd,
        SyntaxKind::UnexpectedToken => Code::UnexpectedToken,
        SyntaxKind::TooDeep => Code::TooDeep,
        SyntaxKind::TrailingContent => Code::TrailingContent,
    }
}

/// The syntax errors of a parse as diagnostics.
pub fn syntax(parsed: &Parsed) -> Vec<Diagnostic> {
    parsed
        .errors
        .iter()
        .map(|e| {
            let d = Diagnostic::new(syntax_code(e.kind), e.span, "", e.message.clone());
            match &e.fix {
                Some((label, edit)) => {
                    d.with_fix(label.clone(), edit.span, edit.replacement.clone())
                }
                None => d,
            }
        })
        .collect()
}

pub use crate::change::Touched;

/// All diagnostics of a parsed document, sorted by position.
pub fn validate(parsed: &Parsed, cfg: &Config) -> Vec<Diagnostic> {
    Analysis::new(parsed, cfg).diagnostics(parsed)
}

/// Whether a parse went so wrong that only its syntax errors are reported.
pub fn is_fatal(parsed: &Parsed) -> bool {
    parsed
        .errors
        .iter()
        .any(|e| matches!(e.kind, SyntaxKind::TooDeep | SyntaxKind::EmptyFile))
}

/// The findings of a document kept in parts, so that an edit of one value
/// is checked again in part ([`Analysis::update`]) rather than whole.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// The JSON Schema's findings and unknown keys inside rules and groups.
    structure: Vec<Diagnostic>,
    semantic: Option<semantic::Semantic>,
}

impl Analysis {
    pub fn new(parsed: &Parsed, cfg: &Config) -> Analysis {
        Analysis::new_with(parsed, cfg, crate::par::Threads::Auto)
    }

    /// [`Analysis::new`] on `threads` threads.
    pub fn new_with(parsed: &Parsed, cfg: &Config, threads: crate::par::Threads) -> Analysis {
        let mut a = Analysis::default();
        if let (Some(root), false) = (&parsed.root, is_fatal(parsed)) {
            let presets: Vec<String> = cfg
                .all_rules()
                .filter(|r| r.empty_preset)
                .map(|r| r.pointer.clone())
                .collect();
            structure::check(root, &presets, &mut a.structure);
            structure::unknown_member_keys(root, &mut a.structure);
            a.semantic = Some(semantic::Semantic::new(root, cfg, threads));
        }
        a
    }

    /// Follows an edit that ended at `at`, changed the length of the text by
    /// `delta`, and replaced one string value by another of the same type as
    /// far as the schema is concerned (so its findings only move): what
    /// `touched` names is checked again. `cfg` is the model after the edit.
    pub fn update(&mut self, cfg: &Config, touched: Touched, at: usize, delta: isize) {
        for d in &mut self.structure {
            d.shift(at, delta);
        }
        if let Some(s) = &mut self.semantic {
            s.update(cfg, touched, at, delta);
        }
    }

    /// Which groups each rule names, and which each group's MEMBERS name
    /// (see [`semantic::Semantic::rule_references`]); `None` when the file
    /// could not be read far enough to check its meaning.
    #[allow(clippy::type_complexity)]
    pub fn references(
        &self,
    ) -> Option<(
        impl Iterator<Item = &[usize]>,
        impl Iterator<Item = &[usize]>,
    )> {
        let s = self.semantic.as_ref()?;
        Some((s.rule_references(), s.group_references()))
    }

    /// All diagnostics (with the syntax errors of `parsed`), sorted by
    /// position.
    pub fn diagnostics(&self, parsed: &Parsed) -> Vec<Diagnostic> {
        let mut out = syntax(parsed);
        out.extend(self.structure.iter().cloned());
        if let Some(s) = &self.semantic {
            s.collect(&mut out);
        }
        out.sort_by_key(|a| (a.span.start, a.severity, a.code));
        out.dedup();
        out
    }
}

/// Syntax and structure (the JSON Schema) only, without the meaning: what
/// a generic JSON Schema validator checks. For the benchmark that compares
/// Privy with Python's `jsonschema` like for like.
#[doc(hidden)]
pub fn structure_only(parsed: &Parsed) -> Vec<Diagnostic> {
    let mut out = syntax(parsed);
    if let Some(root) = &parsed.root {
        structure::check(root, &[], &mut out);
    }
    out
}

/// Checks against a license pool (`privy check --pool`): COUNT rules that
/// count per license, serial numbers and features the pool does not know.
pub fn against_pool(cfg: &Config, pool: &crate::pool::Pool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    against_pool::check(cfg, pool, &mut out);
    out
}
