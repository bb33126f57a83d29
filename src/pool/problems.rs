//! What makes a pool impossible (`docs/semantics.md` section 8.10), worked
//! out once while the sessions are placed on their licenses: [`Pool::index`]
//! refuses a pool with the first of them, the pool file reports each where
//! it is (`file.rs`). One sentence for each, here.

use rustc_hash::FxHashMap;

use super::{Placed, Pool};
use crate::request::FoldedPrincipal;

/// One thing that cannot be true of a pool, with where it is (indexes into
/// the pool's licenses and sessions, from 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolProblem {
    /// The license at `license` repeats an earlier license's serial.
    SerialTwice { license: usize, serial: String },
    /// A session names a serial the pool does not list.
    UnknownLicense { session: usize, serial: String },
    /// A session holds a feature its license does not offer (with a serial),
    /// or no license offers (without one).
    NotOffered {
        session: usize,
        feature: String,
        serial: Option<String>,
    },
    /// A session's IP cannot be read.
    BadIp { session: usize, why: String },
    /// More sessions hold a feature on a license than it has seats.
    Oversubscribed {
        license: usize,
        serial: String,
        feature: String,
        seats: u64,
        sessions: Vec<usize>,
    },
}

impl std::fmt::Display for PoolProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PoolProblem::SerialTwice { serial, .. } => write!(
                f,
                "the license {serial} is listed twice; give each license its own serial"
            ),
            PoolProblem::UnknownLicense { session, serial } => write!(
                f,
                "session {} is on license {serial}, which the pool does not list",
                session + 1
            ),
            PoolProblem::NotOffered {
                session,
                feature,
                serial: Some(serial),
            } => write!(
                f,
                "session {} holds {feature} on license {serial}, which does not offer that feature",
                session + 1
            ),
            PoolProblem::NotOffered {
                session,
                feature,
                serial: None,
            } => write!(
                f,
                "session {} holds {feature}, which no license in the pool offers",
                session + 1
            ),
            PoolProblem::BadIp { session, why } => write!(f, "session {}: {why}", session + 1),
            PoolProblem::Oversubscribed {
                serial,
                feature,
                seats,
                sessions,
                ..
            } => write!(
                f,
                "license {serial} has {seats} seats of {feature} but {} sessions hold it (sessions {})",
                sessions.len(),
                sessions
                    .iter()
                    .map(|i| (i + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// The sessions placed on each license, feature by feature (in the
/// license's order).
pub(super) type Placement = Vec<Vec<(String, Vec<Placed>)>>;

impl Pool {
    /// Everything that cannot be true of this pool, in the order of the
    /// file: licenses listed twice, then the sessions one by one, then the
    /// features held by more sessions than they have seats.
    pub fn problems(&self) -> Vec<PoolProblem> {
        self.placed().1
    }

    /// Places every session that can be placed on its license, and says
    /// what cannot be true.
    pub(super) fn placed(&self) -> (Placement, Vec<PoolProblem>) {
        let mut problems = Vec::new();
        // Licenses by serial (the first with each), and the first license
        // offering each feature: placing a session is a look-up, not a scan
        // of every license (a pool of 40 000 licenses took seconds).
        let mut by_serial: FxHashMap<&str, usize> = FxHashMap::default();
        let mut first_offering: FxHashMap<&str, usize> = FxHashMap::default();
        for (i, l) in self.licenses.iter().enumerate() {
            if by_serial.insert(l.serial.as_str(), i).is_some() {
                problems.push(PoolProblem::SerialTwice {
                    license: i,
                    serial: l.serial.clone(),
                });
            }
            for (f, _) in l.features.iter() {
                first_offering.entry(f.as_str()).or_insert(i);
            }
        }
        // The first license with each serial, as a session on it is placed.
        for (i, l) in self.licenses.iter().enumerate().rev() {
            by_serial.insert(l.serial.as_str(), i);
        }
        let mut placed: Placement = self
            .licenses
            .iter()
            .map(|l| {
                l.features
                    .iter()
                    .map(|(f, _)| (f.clone(), Vec::new()))
                    .collect()
            })
            .collect();
        // Which sessions hold each (license, feature), an IP read or not.
        let mut held: Vec<Vec<Vec<usize>>> =
            placed.iter().map(|fs| vec![Vec::new(); fs.len()]).collect();
        for (i, s) in self.sessions.iter().enumerate() {
            let license = match &s.serial {
                Some(serial) => match by_serial.get(serial.as_str()) {
                    None => {
                        problems.push(PoolProblem::UnknownLicense {
                            session: i,
                            serial: serial.clone(),
                        });
                        continue;
                    }
                    Some(&l) => l,
                },
                None => match first_offering.get(s.feature.as_str()) {
                    Some(&l) => l,
                    None => {
                        problems.push(PoolProblem::NotOffered {
                            session: i,
                            feature: s.feature.clone(),
                            serial: None,
                        });
                        continue;
                    }
                },
            };
            let Some(at) = placed[license].iter().position(|(f, _)| *f == s.feature) else {
                problems.push(PoolProblem::NotOffered {
                    session: i,
                    feature: s.feature.clone(),
                    serial: s.serial.clone(),
                });
                continue;
            };
            held[license][at].push(i);
            match crate::request::parse_ip(s.ip.as_deref()) {
                Ok(ip) => placed[license][at].1.push(Placed {
                    license,
                    principal: FoldedPrincipal::new(
                        s.user.as_deref(),
                        s.host.as_deref(),
                        ip,
                        &s.local_groups,
                    ),
                    kind: s.kind,
                    index: i,
                }),
                Err(e) => problems.push(PoolProblem::BadIp {
                    session: i,
                    why: e.to_string(),
                }),
            }
        }
        for (l, lic) in self.licenses.iter().enumerate() {
            for (at, (feature, _)) in placed[l].iter().enumerate() {
                let seats = lic.seats(feature).unwrap_or(0);
                let sessions = &held[l][at];
                if sessions.len() as u64 > seats {
                    problems.push(PoolProblem::Oversubscribed {
                        license: l,
                        serial: lic.serial.clone(),
                        feature: feature.clone(),
                        seats,
                        sessions: sessions.clone(),
                    });
                }
            }
        }
        (placed, problems)
    }
}
