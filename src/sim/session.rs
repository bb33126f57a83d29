//! The simulator's session, without egui: the request being typed, the
//! pool, the scenario, the test cases and the matrix, what each decides,
//! the compile worker for large files, and their files. The window
//! (`ui::sim`) draws it; `cargo test --no-default-features` tests it.

use std::path::PathBuf;

use crate::analysis::background::{COMPILE_IN_FRAME_BELOW, Worker};
use crate::document::Document;
use crate::engine::pool::{Pool, PoolIndex};
use crate::engine::{Action, Decision, Engine, PoolView, Request, SeatUsage, StepName, Verdict};
use crate::rule_id::RuleId;
use crate::sim::cache::{Cached, Slot, fresh, usable};
use crate::sim::cases::{Case, CaseOutcome, CaseRequest, Cases};
use crate::sim::explaining::{Asked, ExplainedAnswer, Explainer};
pub use crate::sim::form::RequestForm;
use crate::sim::matrix::{self, Matrix, Principal};
use crate::sim::scenario::{self, ScenarioStep};
use crate::words::simulator as said;

/// The matrix shows at most this many of the principals a file names
/// (plus the ones the user adds): enough for a screen, and 200 × 50 cells
/// are decided within a frame.
pub const MAX_FILE_ROWS: usize = 200;

/// What the window shows, so that only that is worked out: the seats of
/// the pool (the Pool tab), the scenario's steps, the matrix, and the rest
/// of the request's answer (the Request tab).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wanted {
    pub seats: bool,
    pub steps: bool,
    pub matrix: bool,
    pub answer: bool,
}

/// A matrix, the time it took, and whether the file names more principals.
pub(crate) type Decided = (Matrix, std::time::Duration, bool);
/// (file generation, pool key, request).
pub(crate) type FormKey = (u64, u64, RequestForm);
/// (file generation, pool key, revision of the list).
pub(crate) type RevKey = (u64, u64, u64);

/// The simulator's state; it lives in the window and survives file
/// changes (the request, pool and cases are the user's own).
#[derive(Debug, Default)]
pub struct SimState {
    pub form: RequestForm,
    /// Without a pool, seats and licenses are not checked.
    pub use_pool: bool,
    pub pool: Pool,
    /// Changes with every edit of the pool.
    pub(crate) pool_rev: u64,
    pub pool_path: Option<PathBuf>,
    pub scenario: Vec<RequestForm>,
    pub(crate) scenario_rev: u64,
    /// The request being written in the Scenario tab itself.
    pub scenario_form: RequestForm,
    pub matrix_action: Action,
    /// The Access tab: the feature asked about (the first the file names
    /// when `None`), the action, and a user whose access to every feature
    /// is shown instead (when not blank).
    pub access_feature: Option<String>,
    pub access_action: Action,
    pub access_user: String,
    /// Principals the user added to the matrix.
    pub extra_rows: Vec<Principal>,
    pub cases: Cases,
    pub(crate) cases_rev: u64,
    pub cases_path: Option<PathBuf>,
    /// The rules that decided the current request: the determining rules
    /// of a denial, or the allow rules that let a grant through.
    pub(crate) deciding: Vec<RuleId>,

    pub(crate) engine: Slot<u64, Engine>,
    /// A large file's engine being compiled on a worker thread, for this
    /// file generation (at most one at a time).
    pub(crate) compiling: Option<(u64, Worker<Engine>)>,
    /// Files of at least this many bytes are compiled off the window's
    /// thread ([`COMPILE_IN_FRAME_BELOW`]; tests lower it).
    pub(crate) background_from: Option<usize>,
    /// The file generation last prepared for.
    pub(crate) generation: u64,
    pub(crate) index: Slot<u64, Result<PoolIndex, String>>,
    pub(crate) decision: Slot<FormKey, Result<(Request, Decision), String>>,
    /// (serial, feature, usage) of every feature on every license.
    pub(crate) seats: Slot<FormKey, Vec<(String, String, SeatUsage)>>,
    pub(crate) steps: Slot<RevKey, Result<Vec<ScenarioStep>, String>>,
    /// The matrix, how long deciding it took, and whether the file names
    /// more principals than it shows ([`MAX_FILE_ROWS`]).
    pub(crate) matrix: Slot<(u64, u64, Action, usize), Decided>,
    pub(crate) results: Slot<RevKey, Result<Vec<CaseOutcome>, String>>,
    /// What the cases reach (the Tests tab's coverage).
    pub(crate) covered: Slot<RevKey, Result<crate::analysis::coverage::Coverage, String>>,
    /// The rest of the current request's answer (`explaining.rs`).
    pub(crate) explainer: Explainer<FormKey>,
    /// The Access tab's report, for what it was asked of.
    pub(crate) access: Option<(AccessKey, Worker<Access>)>,
}

/// What an access report was worked out for: the file generation, the
/// pool, the feature (`None`: every feature, for one user), the action,
/// and the user.
pub(crate) type AccessKey = (u64, u64, Option<String>, Action, Option<String>);

use crate::analysis::access::Access;

/// What the simulator keeps between runs of the app: the request, the pool,
/// the scenario, the cases and the added principals (the user's work; the
/// pool and cases also have their files).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SimSaved {
    pub form: RequestForm,
    pub use_pool: bool,
    pub pool: Pool,
    pub pool_path: Option<PathBuf>,
    pub scenario: Vec<RequestForm>,
    pub matrix_action: Action,
    pub extra_rows: Vec<Principal>,
    pub cases: Cases,
    pub cases_path: Option<PathBuf>,
}

impl SimState {
    pub fn saved(&self) -> SimSaved {
        SimSaved {
            form: self.form.clone(),
            use_pool: self.use_pool,
            pool: self.pool.clone(),
            pool_path: self.pool_path.clone(),
            scenario: self.scenario.clone(),
            matrix_action: self.matrix_action,
            extra_rows: self.extra_rows.clone(),
            cases: self.cases.clone(),
            cases_path: self.cases_path.clone(),
        }
    }

    /// Takes back what an earlier run kept; everything is worked out anew.
    pub fn restore(&mut self, saved: SimSaved) {
        *self = SimState {
            form: saved.form,
            use_pool: saved.use_pool,
            pool: saved.pool,
            pool_path: saved.pool_path,
            scenario: saved.scenario,
            matrix_action: saved.matrix_action,
            extra_rows: saved.extra_rows,
            cases: saved.cases,
            cases_path: saved.cases_path,
            ..SimState::default()
        };
    }

    /// The pool changed: everything that used it is worked out again.
    pub fn pool_changed(&mut self) {
        self.pool_rev += 1;
    }

    pub(crate) fn pool_key(&self) -> u64 {
        if self.use_pool { self.pool_rev + 1 } else { 0 }
    }

    /// Brings the engine (per file generation) and the pool index (per
    /// pool revision) up to date. A large file's engine is compiled on a
    /// worker: until it is ready, [`busy`](Self::busy) says so and nothing
    /// is decided with the old one.
    pub(crate) fn prepare(&mut self, doc: &Document) {
        let generation = doc.generation();
        self.generation = generation;
        // A finished worker is taken whenever it is done; its engine is
        // used only if the one in hand is not already for this text (the
        // file may have become small and been compiled at once meanwhile).
        if let Some((_, w)) = &mut self.compiling
            && w.finished()
            && let Some((key, mut w)) = self.compiling.take()
            && let Some(value) = w.take()
            && !fresh(&self.engine, &generation)
        {
            self.engine = Some(Cached { key, value });
        }
        if !fresh(&self.engine, &generation) {
            // Typing in a field changes one rule or group: the engine
            // follows in place rather than compiling the whole file again.
            let followed = match (self.engine.as_mut(), doc.last_change()) {
                (Some(c), Some((since, touched))) if c.key == since => {
                    c.value.update(doc.config(), touched) && {
                        c.key = generation;
                        true
                    }
                }
                _ => false,
            };
            let large = doc.text().len() >= self.background_from.unwrap_or(COMPILE_IN_FRAME_BELOW);
            if !followed && !large {
                self.engine = Some(Cached {
                    key: generation,
                    value: Engine::new(doc.config()),
                });
            } else if !followed && self.compiling.is_none() {
                // One worker at a time: one for an older generation is
                // waited for, then this generation's is started.
                let config = doc.shared_config();
                let worker = Worker::start(move || {
                    let engine = Engine::new(&config);
                    engine.warm_up();
                    engine
                });
                self.compiling = Some((generation, worker));
            }
        }
        let rev = self.pool_rev;
        if !fresh(&self.index, &rev) {
            self.index = Some(Cached {
                key: rev,
                value: self.pool.clone().index().map_err(|e| e.to_string()),
            });
        }
    }

    /// The pool to decide with: `None` without one (or when it is broken,
    /// which the Pool tab says).
    #[cfg_attr(not(feature = "gui"), allow(dead_code))]
    pub(crate) fn pool_error(&self) -> Option<&str> {
        if !self.use_pool {
            return None;
        }
        self.index
            .as_ref()
            .and_then(|c| c.value.as_ref().err())
            .map(String::as_str)
    }

    /// Works out what the window shows (`wanted`), plus the verdict and
    /// the test results (always: the deciding rule is highlighted in the
    /// editor and failing tests are counted on their tab).
    pub fn refresh(&mut self, doc: &Document, wanted: Wanted) {
        self.prepare(doc);
        let generation = doc.generation();
        let pool_key = self.pool_key();
        let Some(engine) = self
            .engine
            .as_ref()
            .filter(|c| c.key == generation)
            .map(|c| &c.value)
        else {
            // Compiling: the rules the old engine found deciding may have
            // moved, so none is marked until the new one has decided.
            self.deciding.clear();
            return;
        };
        let index = usable(self.use_pool, &self.index);
        let key = (generation, pool_key, self.form.clone());
        let seats_stale = wanted.seats && !fresh(&self.seats, &key);
        // Pool counts copy every session's holder: made only when the
        // verdict or the seat bars are due, not on every call per frame.
        let counts = (seats_stale || !fresh(&self.decision, &key))
            .then(|| index.map(|i| PoolView::new(engine, i)))
            .flatten();
        if !fresh(&self.decision, &key) {
            let no_local_groups = self.form.no_local_groups;
            let value = self.form.to_request().map_err(|e| e.to_string()).map(|r| {
                let mut d = engine.decide(&r, counts.as_ref());
                if no_local_groups {
                    d.without_unknown_local_groups();
                }
                (r, d)
            });
            self.deciding = match &value {
                Ok((_, d)) => deciding_rules(d),
                Err(_) => Vec::new(),
            };
            self.decision = Some(Cached {
                key: key.clone(),
                value,
            });
        }
        if seats_stale {
            let principal = self.form.to_request().ok().map(|r| r.principal);
            let value = counts.as_ref().map_or_else(Vec::new, |c| {
                let mut out = Vec::new();
                for (l, lic) in c.index.pool.licenses.iter().enumerate() {
                    for (f, _) in lic.features.iter() {
                        if let Some(u) = c.seat_usage(l, f, principal.as_ref()) {
                            out.push((lic.serial.clone(), f.clone(), u));
                        }
                    }
                }
                out
            });
            self.seats = Some(Cached { key, value });
        }
        let key = (generation, pool_key, self.scenario_rev);
        if wanted.steps && !fresh(&self.steps, &key) {
            let value = self
                .scenario
                .iter()
                .enumerate()
                .map(|(i, f)| f.to_request().map_err(|e| said::step_problem(i, &e)))
                .collect::<Result<Vec<_>, _>>()
                .and_then(|reqs| {
                    let pool = self.use_pool.then_some(&self.pool);
                    scenario::replay(engine, pool, &reqs).map_err(|e| said::pool_problem(&e))
                });
            self.steps = Some(Cached { key, value });
        }
        let key = (
            generation,
            pool_key,
            self.matrix_action,
            self.extra_rows.len(),
        );
        if wanted.matrix && !fresh(&self.matrix, &key) {
            let started = std::time::Instant::now();
            let (mut rows, more) = matrix::principals(doc.config(), MAX_FILE_ROWS);
            rows.extend(self.extra_rows.iter().cloned());
            let features = matrix::features(doc.config(), index.map(|i| &i.pool));
            let m = Matrix::compute(engine, index, rows, features, self.matrix_action);
            self.matrix = Some(Cached {
                key,
                value: (m, started.elapsed(), more),
            });
        }
        let key = (generation, pool_key, self.cases_rev);
        if !fresh(&self.results, &key) {
            let value =
                crate::sim::cases::run(engine, &self.cases, index).map_err(|e| e.to_string());
            self.results = Some(Cached { key, value });
        }
        if wanted.answer
            && let Some(Cached {
                key,
                value: Ok((req, d)),
            }) = self.decision.as_ref()
        {
            // The pool as the decision used it (the index the session keeps).
            let engine = self
                .engine
                .as_ref()
                .filter(|c| c.key == generation)
                .map(|c| &c.value);
            self.explainer.refresh(
                key,
                Asked {
                    doc: doc.version(),
                    engine,
                    index: usable(self.use_pool, &self.index),
                    req,
                    decision: d,
                    no_local_groups: self.form.no_local_groups,
                },
            );
        }
    }

    /// The rest of the answer for the current request, once worked out for
    /// the file and pool as they are now.
    pub fn explained(&self) -> Option<&ExplainedAnswer> {
        self.explainer.answer(&self.decision.as_ref()?.key)
    }

    /// Whether the rest of the answer is being worked out.
    pub fn explaining(&self) -> bool {
        self.explainer.working()
    }

    /// Whether the engine for the file as it is now is still being compiled
    /// (the tabs show what was worked out before the last change).
    pub fn busy(&self) -> bool {
        self.compiling.is_some() && !fresh(&self.engine, &self.generation)
    }

    /// Compile files of at least `bytes` bytes off the window's thread.
    #[doc(hidden)]
    pub fn compile_in_background_from(&mut self, bytes: usize) {
        self.background_from = Some(bytes);
    }

    /// The verdict of the current request, when it could be decided.
    pub fn decision(&self) -> Option<&Decision> {
        self.decision.as_ref()?.value.as_ref().ok().map(|(_, d)| d)
    }

    /// The rules that decided the current request (the window marks them
    /// in the editor while the simulator is open).
    pub fn deciding(&self) -> &[RuleId] {
        &self.deciding
    }

    /// The rules that decide `req` against `doc` as it is now, with the
    /// pool in use (for a matrix cell's tooltip; none while compiling).
    pub fn deciding_for(&self, doc: &Document, req: &Request) -> Vec<RuleId> {
        let Some(engine) = self.engine_for(doc) else {
            return Vec::new();
        };
        let counts = usable(self.use_pool, &self.index).map(|i| PoolView::new(engine, i));
        deciding_rules(&engine.decide(req, counts.as_ref()))
    }

    /// The engine compiled from `doc` as it is now, once it is ready.
    pub(crate) fn engine_for(&self, doc: &Document) -> Option<&Engine> {
        self.engine
            .as_ref()
            .filter(|c| c.key == doc.generation())
            .map(|c| &c.value)
    }

    pub fn matrix(&self) -> Option<&Matrix> {
        self.matrix.as_ref().map(|c| &c.value.0)
    }

    pub fn steps(&self) -> Option<&Result<Vec<ScenarioStep>, String>> {
        self.steps.as_ref().map(|c| &c.value)
    }

    pub fn case_results(&self) -> Option<&Result<Vec<CaseOutcome>, String>> {
        self.results.as_ref().map(|c| &c.value)
    }

    #[cfg_attr(not(feature = "gui"), allow(dead_code))]
    pub(crate) fn failing_cases(&self) -> usize {
        match self.case_results() {
            Some(Ok(r)) => r.iter().filter(|o| !o.passed).count(),
            _ => 0,
        }
    }

    // ---- files ---------------------------------------------------------

    /// Reads a pool file and turns the pool on.
    /// The access report for `feature` (or every feature, for `user`),
    /// started on a worker when not yet asked for this version; `None`
    /// until the file's engine is ready.
    pub fn access_report(
        &mut self,
        doc: &Document,
        feature: Option<String>,
        action: Action,
        user: Option<String>,
    ) -> Option<(&Worker<Access>, bool)> {
        let key: AccessKey = (
            doc.generation(),
            self.pool_key(),
            feature.clone(),
            action,
            user.clone(),
        );
        if self.access.as_ref().is_none_or(|(k, _)| *k != key) {
            let cfg = doc.shared_config();
            let pool = usable(self.use_pool, &self.index).cloned();
            let scope = crate::analysis::access::Scope {
                features: feature.into_iter().collect(),
                action: Some(action),
                principal: user.map(|u| crate::request::Principal::user(&u)),
                keep_classes: false,
            };
            let worker = Worker::start(move || {
                let budget = crate::analysis::Budget {
                    deadline: Some(std::time::Instant::now() + crate::analysis::TIME_BUDGET),
                    ..crate::analysis::Budget::default()
                };
                crate::analysis::access::access(&cfg, pool.as_ref(), &scope, &budget)
            });
            self.access = Some((key, worker));
        }
        let (_, w) = self.access.as_mut()?;
        let done = w.poll().is_some();
        Some((w, done))
    }

    /// What the cases reach, worked out once per file, pool and cases
    /// version; `None` while the file's engine is being compiled.
    pub fn coverage(
        &mut self,
        doc: &Document,
    ) -> Option<&Result<crate::analysis::coverage::Coverage, String>> {
        let key = (doc.generation(), self.pool_key(), self.cases_rev);
        if !fresh(&self.covered, &key) {
            let engine = self
                .engine
                .as_ref()
                .filter(|c| c.key == doc.generation())
                .map(|c| &c.value)?;
            let own = match self
                .cases
                .pool
                .clone()
                .map(crate::engine::pool::Pool::index)
                .transpose()
            {
                Ok(p) => p,
                Err(e) => {
                    self.covered = Some(Cached {
                        key,
                        value: Err(said::cases_pool_problem(&e)),
                    });
                    return self.covered.as_ref().map(|c| &c.value);
                }
            };
            let pool = own.as_ref().or(usable(self.use_pool, &self.index));
            let requests: Result<Vec<(String, Request)>, String> = self
                .cases
                .cases
                .iter()
                .map(|c| {
                    c.request
                        .to_request()
                        .map(|r| (c.name.clone(), r))
                        .map_err(|e| said::case_problem(&c.name, &e))
                })
                .collect();
            let value = requests
                .map(|r| crate::analysis::coverage::coverage(doc.config(), engine, &r, pool));
            self.covered = Some(Cached { key, value });
        }
        self.covered.as_ref().map(|c| &c.value)
    }

    /// The current request, with the verdict it gets now, becomes a case
    /// named `name` (its summary when blank).
    pub fn save_request_as_case(&mut self, name: &str) {
        let Some(Ok((req, d))) = self.decision.as_ref().map(|c| &c.value) else {
            return;
        };
        let name = match name.trim() {
            "" => self.form.summary(),
            n => n.to_string(),
        };
        self.cases.cases.push(Case {
            name,
            request: CaseRequest::from_request(req),
            expect: d.decision,
            reason: Some(d.reason),
        });
        self.cases_rev += 1;
    }

    pub fn add_to_scenario(&mut self) {
        self.scenario.push(self.form.clone());
        self.scenario_rev += 1;
    }

    /// Adds the request written in the Scenario tab (its principal and
    /// action stay for the next one; the feature is kept too).
    pub fn add_scenario_form(&mut self) -> Result<(), crate::sim::form::FormError> {
        self.scenario_form.to_request()?;
        self.scenario.push(self.scenario_form.clone());
        self.scenario_rev += 1;
        Ok(())
    }
}

/// The rules that decided: a denial's determining rules, or for a grant
/// the allow rules the principal matched (none when no allow rule applies).
pub fn deciding_rules(d: &Decision) -> Vec<RuleId> {
    if !d.rules.is_empty() || d.decision == Verdict::Denied {
        return d.rules.clone();
    }
    d.trace
        .iter()
        .filter(|s| s.step == StepName::Allow)
        .flat_map(|s| &s.rules)
        .filter(|c| c.applies && c.matched)
        .map(|c| c.rule)
        .collect()
}

/// A principal typed for the matrix (see [`Principal::parse`]).
pub fn parse_principal(text: &str) -> Principal {
    Principal::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Reason;

    #[test]
    fn the_simulator_keeps_its_work_between_runs() {
        let doc = Document::from_text(
            r#"{ "DENY_CHECKOUTS": [ { "USERS": "bob", "FEATURES": "CAD" } ] }"#,
        );
        let mut sim = SimState::default();
        sim.form.user = "bob".into();
        sim.form.feature = "CAD".into();
        sim.use_pool = true;
        sim.pool =
            Pool::from_json(r#"{ "licenses": [ { "serial": "S", "features": { "CAD": 1 } } ] }"#)
                .expect("pool");
        sim.add_to_scenario();
        sim.extra_rows.push(parse_principal("zoe@PC1"));
        sim.refresh(&doc, Wanted::default());
        sim.save_request_as_case("");
        let text = serde_json::to_string(&sim.saved()).expect("serialises");
        let back: SimSaved = serde_json::from_str(&text).expect("reads back");
        assert_eq!(back, sim.saved());
        let mut again = SimState::default();
        again.restore(back);
        again.refresh(&doc, Wanted::default());
        assert_eq!(again.decision().map(|d| d.reason), Some(Reason::DenyRule));
        assert_eq!(again.cases.cases.len(), 1);
        assert!(matches!(again.case_results(), Some(Ok(r)) if r.len() == 1 && r[0].passed));
        // Through eframe's own storage (RON), as the app keeps it (with the
        // window only; the state's serde form is checked below either way).
        #[cfg(feature = "gui")]
        {
            #[derive(Default)]
            struct Store(std::collections::HashMap<String, String>);
            impl eframe::Storage for Store {
                fn get_string(&self, key: &str) -> Option<String> {
                    self.0.get(key).cloned()
                }
                fn set_string(&mut self, key: &str, value: String) {
                    self.0.insert(key.to_string(), value);
                }
                fn remove_string(&mut self, key: &str) {
                    self.0.remove(key);
                }
                fn flush(&mut self) {}
            }
            sim.pool_path = Some("/tmp/pool.json".into());
            sim.cases_path = Some("/tmp/cases.json".into());
            let mut store = Store::default();
            eframe::set_value(&mut store, "sim", &sim.saved());
            let kept: Option<SimSaved> = eframe::get_value(&store, "sim");
            assert_eq!(kept, Some(sim.saved()), "{:?}", store.0);
        }
        // Older or partial state still reads.
        let partial: SimSaved =
            serde_json::from_str(r#"{ "open": true, "use_pool": true }"#).expect("partial");
        assert!(partial.use_pool && partial.scenario.is_empty());
    }

    /// A worker still compiling a large file when the file becomes small
    /// (another file opened, most of it deleted): the small file's engine
    /// is compiled at once and the simulator is not busy; the worker's late
    /// engine, for a file no longer open, is dropped, not used.
    #[test]
    fn a_worker_for_a_file_no_longer_open_neither_blocks_nor_is_used() {
        let large = Document::from_text(
            r#"{ "ALLOW_CHECKOUTS": [ { "USERS": "bob", "FEATURES": "CAD" } ] }"#,
        );
        let small = Document::from_text(
            r#"{ "DENY_CHECKOUTS": [ { "USERS": "bob", "FEATURES": "CAD" } ] }"#,
        );
        let mut sim = SimState::default();
        sim.form.user = "bob".into();
        sim.form.feature = "CAD".into();
        sim.compile_in_background_from(0);
        sim.refresh(&large, Wanted::default());
        assert!(sim.busy());
        sim.compile_in_background_from(usize::MAX);
        sim.refresh(&small, Wanted::default());
        assert!(!sim.busy(), "the small file's engine is ready");
        assert_eq!(sim.decision().map(|d| d.reason), Some(Reason::DenyRule));
        // Once the worker is done, its engine is let go.
        let started = std::time::Instant::now();
        while sim.compiling.as_mut().is_some_and(|(_, h)| !h.finished()) {
            assert!(started.elapsed() < std::time::Duration::from_secs(30));
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        sim.refresh(&small, Wanted::default());
        assert!(sim.compiling.is_none());
        assert_eq!(sim.decision().map(|d| d.reason), Some(Reason::DenyRule));
    }
}
