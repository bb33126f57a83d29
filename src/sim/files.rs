//! The simulator's files: the pool, sessions from CSV, the cases, and the
//! matrix's and the access report's exports; and a case added for a rule.
//! Each returns what it did or why it could not, as data:
//! `words::simulator` says it, the window shows it.

use crate::secrets::Secrets;
use std::path::{Path, PathBuf};

use super::cases::{Case, CaseRequest, Cases};
use super::session::SimState;
use crate::engine::{PoolView, Request};
use crate::rule_id::RuleId;

/// What a file action did.
#[derive(Debug, Clone, PartialEq)]
pub enum Done {
    /// The pool was read; `problem` is the first thing that cannot be
    /// true of it (it is read all the same: the Pool tab is where it is
    /// fixed), with how many more there are.
    PoolRead {
        path: PathBuf,
        problem: Option<Placed>,
        more: usize,
    },
    PoolSaved {
        path: PathBuf,
    },
    SessionsImported {
        count: usize,
        path: PathBuf,
    },
    CasesRead {
        count: usize,
        path: PathBuf,
    },
    CasesSaved {
        count: usize,
        path: PathBuf,
    },
    MatrixExported {
        path: PathBuf,
    },
    AccessSaved {
        path: PathBuf,
    },
    /// A case was added that reaches `rule`, asking as `request`.
    CaseAdded {
        rule: RuleId,
        request: Request,
    },
}

impl Done {
    /// Whether what was done needs the user's attention.
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            Done::PoolRead {
                problem: Some(_),
                ..
            }
        )
    }
}

/// A message at its place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Why a file action could not be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failed {
    /// The file could not be read (the reader's or the parser's words,
    /// with the file's name and place).
    Read(String),
    Write {
        path: PathBuf,
        error: String,
    },
    /// There is no matrix to export yet.
    NoMatrix,
    /// There is no access report to save yet.
    NoAccess,
    /// No principal reaches `rule`, so no case can.
    NoRequestReaches {
        rule: RuleId,
    },
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failed> {
    crate::document::write_atomic(path, bytes).map_err(|e| Failed::Write {
        path: path.to_path_buf(),
        error: e.to_string(),
    })
}

impl SimState {
    /// Reads a pool file through the one reader of pool files: a pool with
    /// problems is still read, and the first is told with its place.
    pub fn load_pool(&mut self, path: &Path) -> Result<Done, Failed> {
        let file = crate::pool::file::load(path).map_err(Failed::Read)?;
        let problem = file.problems.first().map(|d| {
            let (line, column) =
                crate::json::LineIndex::new(&file.text).line_col_in(&file.text, d.span.start);
            Placed {
                path: path.to_path_buf(),
                line,
                column,
                message: d.message.clone(),
            }
        });
        let more = file.problems.len().saturating_sub(1);
        self.pool = file.pool;
        self.use_pool = true;
        self.pool_path = Some(path.to_path_buf());
        self.pool_changed();
        Ok(Done::PoolRead {
            path: path.to_path_buf(),
            problem,
            more,
        })
    }

    pub fn save_pool(&mut self, path: &Path) -> Result<Done, Failed> {
        let mut text = serde_json::to_string_pretty(&self.pool).unwrap_or_default();
        text.push('\n');
        write(path, text.as_bytes())?;
        self.pool_path = Some(path.to_path_buf());
        Ok(Done::PoolSaved {
            path: path.to_path_buf(),
        })
    }

    /// Adds the sessions of a CSV file (user,host,ip,feature,serial,kind).
    pub fn import_sessions(&mut self, path: &Path) -> Result<Done, Failed> {
        let text = crate::input::read_text(path).map_err(|e| Failed::Read(e.to_string()))?;
        let sessions = super::csv::sessions(&text)
            .map_err(|e| Failed::Read(format!("{}:{e}", path.display())))?;
        let count = sessions.len();
        self.pool.sessions.extend(sessions);
        self.use_pool = true;
        self.pool_changed();
        Ok(Done::SessionsImported {
            count,
            path: path.to_path_buf(),
        })
    }

    pub fn load_cases(&mut self, path: &Path) -> Result<Done, Failed> {
        let text = crate::input::read_text(path).map_err(|e| Failed::Read(e.to_string()))?;
        let cases =
            Cases::from_json(&text).map_err(|e| Failed::Read(format!("{}:{e}", path.display())))?;
        let count = cases.cases.len();
        self.cases = cases;
        self.cases_rev += 1;
        self.cases_path = Some(path.to_path_buf());
        Ok(Done::CasesRead {
            count,
            path: path.to_path_buf(),
        })
    }

    pub fn save_cases(&mut self, path: &Path) -> Result<Done, Failed> {
        write(path, self.cases.to_json().as_bytes())?;
        self.cases_path = Some(path.to_path_buf());
        Ok(Done::CasesSaved {
            count: self.cases.cases.len(),
            path: path.to_path_buf(),
        })
    }

    pub fn export_matrix(&mut self, path: &Path, secrets: &Secrets) -> Result<Done, Failed> {
        let m = self.matrix().ok_or(Failed::NoMatrix)?;
        write(path, secrets.mask_str(&m.to_csv()).as_bytes())?;
        Ok(Done::MatrixExported {
            path: path.to_path_buf(),
        })
    }

    /// Writes the Access tab's report as CSV or as a self-contained HTML
    /// page (password values of the file masked, as `privy access` does).
    pub fn export_access(
        &mut self,
        path: &Path,
        html: bool,
        title: &str,
        secrets: &Secrets,
    ) -> Result<Done, Failed> {
        let a = self
            .access
            .as_mut()
            .and_then(|(_, w)| w.poll())
            .ok_or(Failed::NoAccess)?;
        let text = if html {
            crate::words::access::html(a, title)
        } else {
            crate::words::access::csv(a)
        };
        write(path, secrets.mask_str(&text).as_bytes())?;
        Ok(Done::AccessSaved {
            path: path.to_path_buf(),
        })
    }

    /// A new case that reaches `rule`, expecting the verdict it gets now;
    /// `None` while the file's engine is being compiled.
    pub fn add_case_reaching(
        &mut self,
        doc: &crate::document::Document,
        rule: RuleId,
    ) -> Option<Result<Done, Failed>> {
        let engine = self.engine_for(doc)?;
        let pool = super::cache::usable(self.use_pool, &self.index);
        let budget = crate::analysis::Budget {
            deadline: Some(std::time::Instant::now() + std::time::Duration::from_secs(2)),
            ..crate::analysis::Budget::default()
        };
        let Some(req) =
            crate::analysis::coverage::reaching(doc.config(), engine, pool, rule, &budget)
        else {
            return Some(Err(Failed::NoRequestReaches { rule }));
        };
        let d = engine.decide(&req, pool.map(|p| PoolView::new(engine, p)).as_ref());
        self.cases.cases.push(Case {
            name: crate::words::simulator::case_reaching(rule),
            request: CaseRequest::from_request(&req),
            expect: d.decision,
            reason: Some(d.reason),
        });
        self.cases_rev += 1;
        Some(Ok(Done::CaseAdded { rule, request: req }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_with_a_problem_is_read_and_its_problem_placed() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("pool.json");
        std::fs::write(
            &path,
            "{\n  \"licenses\": [ { \"serial\": \"S1\", \"features\": { \"CAD\": 1 } } ],\n  \"sessions\": [\n    { \"user\": \"anna\", \"feature\": \"CAD\", \"serial\": \"S9\" }\n  ]\n}\n",
        )
        .expect("write");
        let mut sim = SimState::default();
        let Ok(Done::PoolRead { problem, more, .. }) = sim.load_pool(&path) else {
            panic!("the pool is read");
        };
        let p = problem.expect("its problem");
        assert_eq!((p.line, p.column, more), (4, 51, 0), "{p:?}");
        assert!(
            p.message
                .contains("license S9, which the pool does not list"),
            "{p:?}"
        );
        assert!(sim.use_pool && sim.pool.sessions.len() == 1);
        assert!(matches!(
            sim.load_pool(&dir.path().join("missing.json")),
            Err(Failed::Read(_))
        ));
        assert_eq!(
            sim.export_matrix(&dir.path().join("m.csv"), &Secrets::default()),
            Err(Failed::NoMatrix)
        );
    }
}
