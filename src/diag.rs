//! Diagnostics: stable codes, severities, locations and fixes.

use crate::json::parse::TextEdit;
use crate::json::{LineIndex, Span};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

macro_rules! codes {
    ($( $variant:ident = $code:literal, $sev:ident, $summary:literal; )*) => {
        /// Every diagnostic code. The code strings are a stable interface
        /// (scripts match on them); `docs/diagnostics.md` documents each.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            /// The usual severity (a few checks choose another case by case).
            pub fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// One line on what the code means.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }
        }
    };
}

codes! {
    // Reading and syntax
    NotUtf8 = "not-utf8", Error, "The file is not UTF-8 text (for example UTF-16, or a legacy code page).";
    EmptyFile = "empty-file", Error, "The file is empty.";
    TrailingComma = "trailing-comma", Error, "A comma before `]` or `}`: not standard JSON.";
    Comment = "comment", Error, "A `//` or `/* */` comment: not standard JSON.";
    UnquotedKey = "unquoted-key", Error, "A key without double quotes.";
    SingleQuotes = "single-quotes", Error, "Text in single quotes instead of double quotes.";
    MissingComma = "missing-comma", Error, "Two entries without a comma between them.";
    MissingColon = "missing-colon", Error, "A key without `:` before its value.";
    UnterminatedString = "unterminated-string", Error, "Text whose closing quote is missing.";
    InvalidEscape = "invalid-escape", Error, "A backslash that is not a JSON escape (Windows paths need `\\\\`).";
    ControlCharacter = "control-character", Error, "A raw control character (tab, NUL, ...) inside text.";
    InvalidNumber = "invalid-number", Error, "A number JSON does not allow (leading zeros, `+`, too large).";
    UnexpectedEnd = "unexpected-end", Error, "The file ends in the middle of a value.";
    UnexpectedToken = "unexpected-token", Error, "Something that cannot stand here in JSON.";
    TooDeep = "too-deep", Error, "Values nested more deeply than any ServerConfig.json needs.";
    TrailingContent = "trailing-content", Error, "Text after the end of the top-level object.";
    // Structure (checked with the JSON Schema)
    NotAnObject = "not-an-object", Error, "The top level is not a JSON object `{ ... }`.";
    ListNotArray = "list-not-array", Error, "A rule list or GROUPS that is not a list `[ ... ]`.";
    RuleNotObject = "rule-not-object", Error, "An entry of a rule list or GROUPS that is not an object `{ ... }`.";
    WrongType = "wrong-type", Error, "A value of the wrong type (`\"COUNT\": \"3\"`).";
    NotPositive = "not-positive", Error, "COUNT or HOURS that is not a whole number of at least 1.";
    OutOfRange = "out-of-range", Error, "A number outside its range (ports 0-65535, COUNT/HOURS too large).";
    InvalidChoice = "invalid-choice", Error, "A setting with a value it does not accept (LOG_FORMAT).";
    MissingKey = "missing-key", Error, "A key the rule kind requires is missing (USERS, COUNT, HOURS or COUNT).";
    KeyNotForKind = "key-not-for-kind", Warning, "A known key that this rule kind does not use (HOURS on a checkout rule).";
    UnknownKey = "unknown-key", Error, "A key the server does not know, usually a typo (`USER`, `LIMIT_CHECKOUT`).";
    UnknownSetting = "unknown-setting", Info, "A top-level key Privy does not know; it is kept as it is.";
    // Duplicates
    DuplicateKey = "duplicate-key", Error, "The same key twice in one object; only one is used.";
    DuplicateEntry = "duplicate-entry", Warning, "The same entry twice in one list.";
    DuplicateGroup = "duplicate-group", Error, "Two groups with the same NAME.";
    // Meaning
    InvalidIp = "invalid-ip", Error, "An entry that looks like an IP address, wildcard or range but is malformed; it matches nothing.";
    Cidr = "cidr", Warning, "CIDR notation (`10.0.0.0/8`) is not documented by the vendor; it matches nothing.";
    GroupNameMismatch = "group-name-mismatch", Warning, "An entry spelled almost like a group's NAME (case, spacing, punctuation, a letter or two): it is not the group (in another case only, it is: information).";
    GroupCycle = "group-cycle", Error, "Groups that contain each other in a cycle.";
    ExceptNotCovered = "except-not-covered", Warning, "An EXCEPT_USERS entry the rule's USERS never cover: it has no effect.";
    UnusedGroup = "unused-group", Info, "A group no rule or group refers to.";
    EmptyPreset = "empty-preset", Info, "A rule whose keys are all empty: the server ignores it.";
    EmptyUsers = "empty-users", Error, "A rule that needs USERS has them empty while other keys are set: it matches nobody.";
    EmptyGroupName = "empty-group-name", Error, "A group without a NAME, or with an empty one.";
    StarAmongEntries = "star-among-entries", Warning, "`*` among other FEATURES or SERIALNUMBERS entries: it means any, the others add nothing.";
    DenyEveryone = "deny-everyone", Info, "A deny rule without users (USERS missing, empty or only `;`): it denies its features to everyone.";
    FeatureCase = "feature-case", Warning, "A feature that differs from another only in case; features are compared exactly.";
    // Over every principal (decided by the engine on the principal space)
    NoEffect = "no-effect", Warning, "A rule whose removal changes no decision for anyone: shadowed by a deny rule, redundant with another rule, or covering nobody.";
    OverriddenInPart = "overridden-in-part", Info, "An allow rule some of whose principals a deny rule denies anyway (deny beats allow).";
    DeniesEveryoneElse = "denies-everyone-else", Info, "The first allow rule for a feature: from it on, everyone the allow list does not name is denied the feature.";
    FindingsPartial = "findings-partial", Info, "The findings over every principal stopped short (time or size); the rules not examined are not reported.";
    MonitorWithoutPassword = "monitor-without-password", Warning, "The License Monitor is on (HTTP_PORT not 0) but no ADMIN_PASSWORD is set.";
    // With a pool (`privy check --pool`)
    CountPerLicense = "count-per-license", Warning, "A COUNT rule without SERIALNUMBERS covers a feature several licenses offer: it counts per license.";
    UnknownSerial = "unknown-serial", Warning, "SERIALNUMBERS names a license the pool does not have.";
    UnlicensedFeature = "unlicensed-feature", Info, "FEATURES names a feature no license in the pool offers.";
    // In the pool file itself (located there, with its path)
    PoolDuplicateLicense = "pool-duplicate-license", Error, "Two licenses of the pool with the same serial number.";
    PoolNegativeSeats = "pool-negative-seats", Error, "A license with a negative number of seats for a feature.";
    PoolUnknownLicense = "pool-unknown-license", Error, "A session on a license (serial) the pool does not list.";
    PoolUnlicensedSession = "pool-unlicensed-session", Error, "A session holding a feature its license, or any license, does not offer.";
    PoolOversubscribed = "pool-oversubscribed", Error, "More sessions hold a feature on a license than it has seats.";
    PoolBadIp = "pool-bad-ip", Error, "A session whose IP address cannot be read.";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A one-click repair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub label: String,
    pub edit: TextEdit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// JSON Pointer of the value concerned ("" for the whole file).
    pub pointer: String,
    pub span: Span,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// Moves the diagnostic and its fix as [`Span::shift`] does.
    pub fn shift(&mut self, at: usize, delta: isize) {
        self.span.shift(at, delta);
        if let Some(fix) = &mut self.fix {
            fix.edit.shift(at, delta);
        }
    }

    pub fn new(
        code: Code,
        span: Span,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            pointer: pointer.into(),
            span,
            fix: None,
        }
    }

    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }

    pub fn with_fix(
        mut self,
        label: impl Into<String>,
        span: Span,
        replacement: impl Into<String>,
    ) -> Self {
        self.fix = Some(Fix {
            label: label.into(),
            edit: TextEdit {
                span,
                replacement: replacement.into(),
            },
        });
        self
    }
}

/// A diagnostic with its position resolved to lines and columns, as the CLI
/// prints it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Located {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub pointer: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<LocatedFix>,
    /// The file it is in, when not the one checked (the pool).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Byte range in the text it was located in (for showing its source
    /// line without counting the line again); not part of the output.
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LocatedFix {
    pub description: String,
    pub replacement: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Located {
    pub fn new(d: &Diagnostic, text: &str, index: &LineIndex) -> Self {
        Located::placed(d, |offset| index.line_col_in(text, offset))
    }

    /// Every diagnostic located, in one sweep over the text (see
    /// [`LineIndex::line_cols_in`]): linear where one [`Located::new`] each
    /// is quadratic on a long line.
    pub fn all(diags: &[Diagnostic], text: &str, index: &LineIndex) -> Vec<Located> {
        let mut offsets = Vec::with_capacity(diags.len() * 4);
        for d in diags {
            offsets.extend([d.span.start, d.span.end]);
            if let Some(f) = &d.fix {
                offsets.extend([f.edit.span.start, f.edit.span.end]);
            }
        }
        // The places come back in the order asked for, which is the order
        // `placed` asks for them in.
        let mut places = index.line_cols_in(text, &offsets).into_iter();
        diags
            .iter()
            .map(|d| Located::placed(d, |_| places.next().unwrap_or((1, 1))))
            .collect()
    }

    /// `d` with each offset placed by `place`, asked in this order: start,
    /// end, then the fix's start and end.
    fn placed(d: &Diagnostic, mut place: impl FnMut(usize) -> (usize, usize)) -> Located {
        let (line, column) = place(d.span.start);
        let (end_line, end_column) = place(d.span.end);
        let fix = d.fix.as_ref().map(|f| {
            let (line, column) = place(f.edit.span.start);
            let (end_line, end_column) = place(f.edit.span.end);
            LocatedFix {
                description: f.label.clone(),
                replacement: f.edit.replacement.clone(),
                line,
                column,
                end_line,
                end_column,
            }
        });
        Located {
            code: d.code.as_str(),
            severity: d.severity,
            message: d.message.clone(),
            pointer: d.pointer.clone(),
            line,
            column,
            end_line,
            end_column,
            span: d.span,
            fix,
            file: None,
        }
    }
}

/// Edit distance for "did you mean" (case-insensitive; `usize::MAX` for
/// inputs too long or too different in length to be a typo of each other).
/// The one edit distance of the project: `strsim`'s, over the case-folded
/// forms (feature names and near-miss group names use it too).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.abs_diff(lb) > 3 || la > 64 || lb > 64 {
        return usize::MAX;
    }
    strsim::levenshtein(&a.to_lowercase(), &b.to_lowercase())
}

/// The closest candidate to `word`, if it is close enough to be a typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate {}", c);
            assert!(
                c.as_str()
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '-' || ch.is_ascii_digit())
            );
        }
    }

    #[test]
    fn located_in_one_sweep_as_one_by_one() {
        let doc = crate::document::Document::from_text(
            "{\"DENY_CHECKOUTS\": [{\"USERS\": \"4.3.2.50-10;é\", \"FEATURE\": \"x\",}],\n \"USER\": 1, \"TCP_PORT\": \"7\"}",
        );
        let diags = doc.diagnostics();
        assert!(diags.iter().filter(|d| d.fix.is_some()).count() >= 3);
        let all = Located::all(diags, doc.text(), doc.lines());
        let one: Vec<Located> = diags
            .iter()
            .map(|d| Located::new(d, doc.text(), doc.lines()))
            .collect();
        assert_eq!(all, one);
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("USER", ["USERS", "FEATURES"]), Some("USERS"));
        assert_eq!(
            did_you_mean("LIMIT_CHECKOUT", ["LIMIT_CHECKOUTS", "LIMIT_BORROWS"]),
            Some("LIMIT_CHECKOUTS")
        );
        assert_eq!(did_you_mean("users", ["USERS"]), Some("USERS"));
        assert_eq!(did_you_mean("COLOR", ["USERS", "COUNT"]), None);
    }
}
