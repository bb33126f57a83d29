//! A rule's name in data: its list's kind and its position in that list.
//! It is `Copy`, orders rules as the file does (list by list in the order
//! of `spec::RuleKind::ALL`, then by position), and becomes a JSON Pointer
//! (`/DENY_CHECKOUTS/1`) only when printed or serialised.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::spec::RuleKind;

/// Ordered by kind (the order of `RuleKind::ALL`, which the enum's
/// declaration follows), then by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId {
    pub kind: RuleKind,
    /// Position in its list (the JSON array index).
    pub index: u32,
}

impl RuleId {
    pub fn new(kind: RuleKind, index: usize) -> RuleId {
        RuleId {
            kind,
            index: u32::try_from(index).unwrap_or(u32::MAX),
        }
    }

    /// The JSON Pointer of the rule object.
    pub fn pointer(self) -> String {
        self.to_string()
    }

    /// Reads a pointer of the form `/KIND/index` back.
    pub fn parse(pointer: &str) -> Option<RuleId> {
        let mut parts = pointer.strip_prefix('/')?.split('/');
        let kind = RuleKind::from_key(parts.next()?)?;
        let index: u32 = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        Some(RuleId { kind, index })
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}/{}", self.kind.key(), self.index)
    }
}

impl Serialize for RuleId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RuleId, D::Error> {
        let text = String::deserialize(d)?;
        RuleId::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a rule pointer: {text}")))
    }
}

/// Compared with a pointer as text, so that `rules == ["/DENY_CHECKOUTS/0"]`
/// reads as it says.
impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        RuleId::parse(other) == Some(*self)
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl PartialEq<String> for RuleId {
    fn eq(&self, other: &String) -> bool {
        self == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_round_trip_and_order_as_the_file() {
        let a = RuleId::new(RuleKind::DenyCheckouts, 2);
        assert_eq!(a.pointer(), "/DENY_CHECKOUTS/2");
        assert_eq!(RuleId::parse("/DENY_CHECKOUTS/2"), Some(a));
        assert_eq!(RuleId::parse("/DENY_CHECKOUTS/2/USERS"), None);
        assert_eq!(RuleId::parse("/NOPE/2"), None);
        let mut v: Vec<RuleId> = RuleKind::ALL
            .iter()
            .rev()
            .flat_map(|&k| [RuleId::new(k, 10), RuleId::new(k, 9)])
            .collect();
        v.sort();
        let first = RuleKind::ALL[0];
        assert_eq!(v[0], RuleId::new(first, 9));
        assert_eq!(v[1], RuleId::new(first, 10));
        assert!(a == "/DENY_CHECKOUTS/2" && a != "/DENY_CHECKOUTS/3");
    }
}
