//! The license pool: licenses (serial, seats per feature, maximum borrow
//! hours) and the sessions currently held, in the format of the pool file
//! (`docs/semantics.md`, "The license pool"). Below the engine and the
//! validation, which both read it. A pool that cannot be true (a session on a
//! feature no license offers, more sessions than seats) is an error: its
//! problems are worked out once (`problems.rs`), for [`Pool::index`] and for
//! the pool file's diagnostics (`file.rs`, the one reader of a pool file).

use serde::{Deserialize, Serialize};

use crate::request::{Action, FoldedPrincipal};

pub mod file;
mod problems;

pub use problems::PoolProblem;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeatSharing {
    /// Every checkout takes a seat.
    #[default]
    None,
    /// A user who holds the feature on a license takes no second seat.
    User,
    /// The same user on the same host takes no second seat.
    UserHost,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct License {
    pub serial: String,
    /// Seats per feature, in file order.
    pub features: seats::FeatureSeats,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_borrow_hours: Option<u64>,
}

impl License {
    pub fn seats(&self, feature: &str) -> Option<u64> {
        self.features.get(feature)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub local_groups: Vec<String>,
    pub feature: String,
    #[serde(default)]
    pub serial: Option<String>,
    #[serde(default = "checkout")]
    pub kind: Action,
}

fn checkout() -> Action {
    Action::Checkout
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    #[serde(default)]
    pub seat_sharing: SeatSharing,
    #[serde(default)]
    pub licenses: Vec<License>,
    #[serde(default)]
    pub sessions: Vec<Session>,
}

/// A session placed on its license, with its principal ready for matching.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub license: usize,
    pub principal: FoldedPrincipal,
    pub kind: Action,
    /// Index in the pool file, for messages.
    pub index: usize,
}

/// A pool checked and indexed: sessions by (license, feature).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PoolIndex {
    pub pool: Pool,
    /// For each license, for each of its features (in its order), the
    /// sessions on it.
    pub sessions: Vec<Vec<(String, Vec<Placed>)>>,
}

impl PoolIndex {
    /// Where a feature sits among a license's features.
    pub fn feature_position(&self, license: usize, feature: &str) -> Option<usize> {
        self.sessions
            .get(license)?
            .iter()
            .position(|(f, _)| f == feature)
    }

    pub fn sessions_on(&self, license: usize, feature: &str) -> &[Placed] {
        self.sessions
            .get(license)
            .and_then(|fs| fs.iter().find(|(f, _)| f == feature))
            .map_or(&[], |(_, s)| s.as_slice())
    }
}

/// Why a pool cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolError(pub String);

impl std::fmt::Display for PoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PoolError {}

impl Pool {
    /// Reads a pool from JSON text.
    pub fn from_json(text: &str) -> Result<Pool, PoolError> {
        crate::input::require_object(text, "a pool").map_err(PoolError)?;
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
            PoolError(format!(
                "{}:{}: {}",
                e.line(),
                e.column(),
                e.to_string().split(" at line").next().unwrap_or_default()
            ))
        })
    }

    /// Checks the pool and places every session on its license; the first
    /// of its [`problems`](Pool::problems) when it cannot be true.
    pub fn index(self) -> Result<PoolIndex, PoolError> {
        let (sessions, problems) = self.placed();
        if let Some(p) = problems.first() {
            return Err(PoolError(p.to_string()));
        }
        Ok(PoolIndex {
            pool: self,
            sessions,
        })
    }
}

/// A license's seats per feature, in file order, each feature once (a
/// feature listed twice is refused when read).
///
/// A list of pairs, not an `IndexMap`: the simulator edits feature names in
/// place as they are typed, and a half-typed name may for a moment equal
/// another; a map would have to refuse or merge that keystroke. Reading a
/// file refuses duplicates; a pool has a handful of features, so a lookup
/// by scan costs nothing.
pub mod seats {
    use serde::de::{MapAccess, Visitor};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct FeatureSeats(pub Vec<(String, u64)>);

    impl FeatureSeats {
        pub fn get(&self, key: &str) -> Option<u64> {
            self.0.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
        }
        pub fn iter(&self) -> impl Iterator<Item = &(String, u64)> {
            self.0.iter()
        }
    }

    impl Serialize for FeatureSeats {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
        }
    }

    impl<'de> Deserialize<'de> for FeatureSeats {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = FeatureSeats;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("an object of feature names and seat counts")
                }
                fn visit_map<A: MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<FeatureSeats, A::Error> {
                    let mut out: Vec<(String, u64)> = Vec::new();
                    while let Some((k, v)) = map.next_entry::<String, u64>()? {
                        if out.iter().any(|(e, _)| *e == k) {
                            return Err(serde::de::Error::custom(format!(
                                "feature {k} is listed twice"
                            )));
                        }
                        out.push((k, v));
                    }
                    Ok(FeatureSeats(out))
                }
            }
            d.deserialize_map(V)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_contract_example() {
        let pool = Pool::from_json(
            r#"{ "seat_sharing": "none",
                "licenses": [ { "serial": "2024-0101-123456", "features": { "EXPORT_ALL": 5, "IMPORT_ALL": 20 }, "max_borrow_hours": 720 } ],
                "sessions": [ { "user": "bob", "host": "PC001", "ip": "4.3.2.11", "local_groups": [],
                                "feature": "EXPORT_ALL", "serial": "2024-0101-123456", "kind": "checkout" } ] }"#,
        )
        .expect("pool");
        let idx = pool.index().expect("valid");
        assert_eq!(idx.sessions_on(0, "EXPORT_ALL").len(), 1);
        assert_eq!(idx.sessions_on(0, "IMPORT_ALL").len(), 0);
    }

    #[test]
    fn impossible_pools_are_errors() {
        let bad = |t: &str| {
            Pool::from_json(t)
                .and_then(Pool::index)
                .err()
                .map(|e| e.0)
                .unwrap_or_default()
        };
        assert!(bad(r#"{"licenses": [], "sessions": [{"feature": "X"}]}"#).contains("no license"));
        assert!(bad(r#"{"licenses": [{"serial": "S", "features": {"X": 1}}], "sessions": [{"feature": "X"}, {"feature": "X"}]}"#).contains("1 seats of X but 2"));
        assert!(bad(r#"{"licenses": [{"serial": "S", "features": {"X": 1}}], "sessions": [{"feature": "X", "serial": "T"}]}"#).contains("does not list"));
        assert!(bad(r#"{"licences": []}"#).contains("unknown field"));
        assert!(bad("[]").contains("must be a JSON object"));
        assert!(bad(" \n [\"user\"]").starts_with("2:2: a pool must be a JSON object"));
        assert!(bad(r#"{"licenses": [{"serial": "S", "features": {"X": -1}}]}"#).starts_with("1:"));
        assert!(bad(r#"{"licenses": [{"serial": "S", "features": {"X": 1}}], "sessions": [{"feature": "X", "ip": "999.1.1.1"}]}"#).contains("not an IP"));
    }
}
