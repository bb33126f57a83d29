//! Names folded for comparison: Windows compares user, host and group
//! names case-insensitively, so every name is compared lower-cased.

/// Case folding for names (Windows compares user, host and group names
/// case-insensitively).
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

/// [`fold`] into a string that keeps short names inline.
pub fn fold_compact(s: &str) -> compact_str::CompactString {
    if s.is_ascii() {
        let mut c = compact_str::CompactString::new(s);
        c.make_ascii_lowercase();
        c
    } else {
        s.to_lowercase().into()
    }
}

/// Whether folding would leave the text as it is.
pub fn is_folded(s: &str) -> bool {
    if s.is_ascii() {
        !s.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        s.to_lowercase() == s
    }
}

/// A name's folded form: the text itself when it is already folded (no
/// copy), otherwise a folded copy, kept inline when short.
#[derive(Debug, Clone)]
pub enum Folded<'a> {
    Same(&'a str),
    Owned(compact_str::CompactString),
}

impl Folded<'_> {
    pub fn of(text: &str, already: bool) -> Folded<'_> {
        if already {
            Folded::Same(text)
        } else {
            Folded::Owned(fold_compact(text))
        }
    }
}

impl From<Folded<'_>> for compact_str::CompactString {
    fn from(f: Folded<'_>) -> Self {
        match f {
            Folded::Same(s) => s.into(),
            Folded::Owned(s) => s,
        }
    }
}

impl std::ops::Deref for Folded<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Folded::Same(s) => s,
            Folded::Owned(s) => s,
        }
    }
}

impl PartialEq for Folded<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}
impl Eq for Folded<'_> {}
impl std::hash::Hash for Folded<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (**self).hash(h)
    }
}
impl std::borrow::Borrow<str> for Folded<'_> {
    fn borrow(&self) -> &str {
        self
    }
}
