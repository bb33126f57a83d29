//! The decision matrix: principals (rows) × features (columns), each cell
//! the verdict and reason of one request, for checkout or borrow.

use crate::engine::matcher::Scratch;
use crate::engine::pool::{Pool, PoolIndex};
use crate::engine::{Action, Engine, PoolView, Reason, Request, Verdict};
use crate::model::Config;
use crate::pattern::{Kind, Pattern, fold};

pub use crate::request::Principal;

/// The principals a file names literally: user or host names (as users:
/// a name entry matches either), IP addresses and local groups, in file
/// order, without group names and wildcards; at most `limit` of them, and
/// whether the file names more (a large file names hundreds of thousands).
pub fn principals(cfg: &Config, limit: usize) -> (Vec<Principal>, bool) {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for list in cfg.principal_lists() {
        for e in list.iter() {
            if matches!(e.kind, Kind::Name { wildcard: true, .. }) {
                continue;
            }
            let p = match &e.pattern() {
                Pattern::Name(_) => {
                    if cfg.group_index.lookup_entry(&e).is_some() {
                        continue;
                    }
                    Principal::user(e.text.trim())
                }
                Pattern::Ip(ip) => Principal {
                    ip: Some(*ip),
                    ..Default::default()
                },
                Pattern::LocalGroup(g) => Principal {
                    local_groups: vec![g.clone()],
                    ..Default::default()
                },
                _ => continue,
            };
            let key = (
                p.user.as_deref().map(fold),
                p.ip,
                p.local_groups.iter().map(|g| fold(g)).collect::<Vec<_>>(),
            );
            if seen.insert(key) {
                if out.len() == limit {
                    return (out, true);
                }
                out.push(p);
            }
        }
    }
    (out, false)
}

/// The features a file names (no wildcards) and those the pool's licenses
/// offer, sorted without regard to case.
pub fn features(cfg: &Config, pool: Option<&Pool>) -> Vec<String> {
    let mut out: Vec<String> = cfg
        .all_rules()
        .filter_map(|r| r.features.as_deref())
        .flat_map(|f| f.iter())
        .map(|e| e.text.trim().to_string())
        .filter(|t| !t.is_empty() && !t.contains('*'))
        .chain(
            pool.into_iter()
                .flat_map(|p| p.licenses.iter())
                .flat_map(|l| l.features.iter().map(|(f, _)| f.clone())),
        )
        .collect();
    // Distinct first: a large file names the same features thousands of
    // times, and sorting is by the folded name.
    let mut seen = std::collections::HashSet::new();
    out.retain(|f| seen.insert(f.clone()));
    out.sort_by_cached_key(|f| (fold(f), f.clone()));
    out
}

/// One cell: verdict and reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub verdict: Verdict,
    pub reason: Reason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub rows: Vec<Principal>,
    pub features: Vec<String>,
    pub action: Action,
    /// Row by row.
    pub cells: Vec<Cell>,
}

impl Matrix {
    /// Decides every cell (the fast path: no traces). The features are
    /// split among the machine's cores; each part has its own pool counts,
    /// whose cache is per feature, so no work is done twice.
    pub fn compute(
        engine: &Engine,
        pool: Option<&PoolIndex>,
        rows: Vec<Principal>,
        features: Vec<String>,
        action: Action,
    ) -> Matrix {
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .clamp(1, 8)
            .min(features.len().max(1))
            // Small matrices are not worth a thread.
            .min((rows.len() * features.len()).div_ceil(500).max(1));
        let chunk = features.len().div_ceil(threads).max(1);
        let part = |cols: &[String]| -> Vec<Cell> {
            let counts = pool.map(|p| PoolView::new(engine, p));
            let mut scratch = Scratch::default();
            let mut out = Vec::with_capacity(rows.len() * cols.len());
            for row in &rows {
                let mut req = row.request("", action);
                for f in cols {
                    req.feature.clone_from(f);
                    let (verdict, reason) = engine.verdict(&req, counts.as_ref(), &mut scratch);
                    out.push(Cell { verdict, reason });
                }
            }
            out
        };
        let parts: Vec<Vec<Cell>> = if threads == 1 {
            vec![part(&features)]
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = features
                    .chunks(chunk)
                    .map(|cols| s.spawn(move || part(cols)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            })
        };
        // Each part is row-major over its own columns: interleave them.
        let mut cells = Vec::with_capacity(rows.len() * features.len());
        for r in 0..rows.len() {
            for (i, p) in parts.iter().enumerate() {
                let width = features.chunks(chunk).nth(i).map_or(0, <[String]>::len);
                cells.extend_from_slice(p.get(r * width..(r + 1) * width).unwrap_or_default());
            }
        }
        Matrix {
            rows,
            features,
            action,
            cells,
        }
    }

    pub fn cell(&self, row: usize, col: usize) -> Option<Cell> {
        self.cells.get(row * self.features.len() + col).copied()
    }

    /// The request behind a cell.
    pub fn request(&self, row: usize, col: usize) -> Option<Request> {
        Some(
            self.rows
                .get(row)?
                .request(self.features.get(col)?, self.action),
        )
    }

    /// As CSV: a header of features, then one line per principal with each
    /// cell's reason code (`granted`, `deny_rule`, ...).
    pub fn to_csv(&self) -> String {
        use super::csv::field;
        let mut out = format!("principal ({})", crate::words::action_word(self.action));
        for f in &self.features {
            out.push(',');
            out.push_str(&field(f));
        }
        out.push('\n');
        for (r, row) in self.rows.iter().enumerate() {
            out.push_str(&field(&row.label()));
            for c in 0..self.features.len() {
                out.push(',');
                if let Some(cell) = self.cell(r, c) {
                    out.push_str(cell.reason.as_str());
                }
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    const FILE: &str = r#"{
      "DENY_CHECKOUTS": [ { "USERS": "bob;CAD Users;PC*", "FEATURES": "EXPORT" } ],
      "ALLOW_CHECKOUTS": [ { "USERS": "&Engineers;4.3.2.1;anna", "FEATURES": "CAD;X*" } ],
      "GROUPS": [ { "NAME": "CAD Users", "MEMBERS": "carla;BOB" } ]
    }"#;

    #[test]
    fn principals_and_features_come_from_the_file() {
        let doc = Document::from_text(FILE);
        let rows: Vec<String> = principals(doc.config(), 100)
            .0
            .iter()
            .map(Principal::label)
            .collect();
        assert_eq!(rows, ["bob", "&Engineers", "4.3.2.1", "anna", "carla"]);
        let pool = Pool::from_json(
            r#"{ "licenses": [ { "serial": "S", "features": { "cad": 1, "VIEW": 2 } } ] }"#,
        )
        .expect("pool");
        assert_eq!(
            features(doc.config(), Some(&pool)),
            ["CAD", "cad", "EXPORT", "VIEW"]
        );
    }

    #[test]
    fn a_matrix_split_among_threads_is_the_same_as_one_by_one() {
        let shape = crate::generate::Shape {
            rules: 60,
            groups: 30,
            members: 600,
            features: 40,
            users: 200,
            seed: 7,
        };
        let doc = Document::from_text(crate::generate::config(shape));
        let pool = Pool::from_json(&crate::generate::pool(shape, 2, 300))
            .and_then(Pool::index)
            .expect("pool");
        let engine = Engine::new(doc.config());
        let rows: Vec<Principal> = (0..30)
            .map(|i| Principal::user(&crate::generate::user(i * 7)))
            .collect();
        let feats: Vec<String> = (0..40).map(crate::generate::feature).collect();
        let m = Matrix::compute(
            &engine,
            Some(&pool),
            rows.clone(),
            feats.clone(),
            Action::Borrow,
        );
        let counts = PoolView::new(&engine, &pool);
        let mut granted = 0;
        for r in 0..rows.len() {
            for c in 0..feats.len() {
                let d = engine.decide(&m.request(r, c).expect("request"), Some(&counts));
                let cell = m.cell(r, c).expect("cell");
                assert_eq!(
                    (cell.verdict, cell.reason),
                    (d.decision, d.reason),
                    "{r},{c}"
                );
                granted += usize::from(d.decision == Verdict::Granted);
            }
        }
        assert!(granted > 0 && granted < m.cells.len(), "{granted}");
    }

    #[test]
    fn cells_agree_with_single_decisions_and_export() {
        let doc = Document::from_text(FILE);
        let engine = Engine::new(doc.config());
        let rows = principals(doc.config(), 100).0;
        assert_eq!(principals(doc.config(), 2), (rows[..2].to_vec(), true));
        let feats = features(doc.config(), None);
        let m = Matrix::compute(&engine, None, rows.clone(), feats.clone(), Action::Checkout);
        assert_eq!(m.cells.len(), rows.len() * feats.len());
        for r in 0..rows.len() {
            for c in 0..feats.len() {
                let req = m.request(r, c).expect("request");
                let d = engine.decide(&req, None);
                let cell = m.cell(r, c).expect("cell");
                assert_eq!(
                    (cell.verdict, cell.reason),
                    (d.decision, d.reason),
                    "{r},{c}"
                );
            }
        }
        // bob is denied EXPORT; carla may not check out CAD (allow rule).
        let bob = m.cell(0, 1).expect("cell");
        assert_eq!(bob.reason, Reason::DenyRule);
        let csv = m.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "principal (checkout),CAD,EXPORT");
        assert_eq!(lines[1], "bob,not_in_allow_rule,deny_rule");
        assert_eq!(lines[4], "anna,granted,granted");
    }
}
