//! The simulator panel's own state, which the core does not keep: whether
//! it is open, its tab, the text typed for a new matrix row and a case's
//! name, the last file action's message, and the file dialogs it opens.

use crate::sim::files::{Done, Failed};
use crate::sim::session::Wanted;
use crate::ui::Status;
use crate::words::simulator::files as said;

/// What the panel shows beside the core's state.
#[derive(Debug, Default)]
pub struct SimPanel {
    pub open: bool,
    pub tab: SimTab,
    /// A principal being typed for the matrix.
    pub(crate) new_row: String,
    /// The name for the next case saved from the Request tab.
    pub(crate) case_name: String,
    /// The message of the last pool, cases or export action.
    pub(crate) note: Option<Status>,
    /// The Feature field, when its completions are offered.
    pub(crate) completing: Option<String>,
    /// A principal just added to the matrix, whose row is to be brought
    /// into view.
    pub(crate) matrix_scroll: Option<String>,
    /// The deciding rules of the matrix cell last hovered, for (the text's
    /// generation, the pool's revision, the cell's request): a hover that
    /// stays on a cell decides it once, not once per frame.
    pub(crate) matrix_tip: Option<((u64, u64, crate::engine::Request), Vec<String>)>,
}

impl SimPanel {
    /// What the core works out for the tab shown (the verdict and the
    /// cases always: the deciding rule is marked in the editor and failing
    /// cases are counted on their tab).
    pub fn wanted(&self) -> Wanted {
        Wanted {
            seats: self.tab == SimTab::Pool,
            steps: self.tab == SimTab::Scenario,
            matrix: self.tab == SimTab::Matrix,
            answer: self.tab == SimTab::Request,
        }
    }

    /// Keeps what a file action did, in words, for the panel's line.
    pub fn said(&mut self, result: Result<Done, Failed>) {
        self.note = Some(status_of(&result));
    }
}

/// What a file action did, in words.
pub fn status_of(result: &Result<Done, Failed>) -> Status {
    let text = match result {
        Ok(Done::PoolRead {
            path,
            problem,
            more,
        }) => said::pool_read(
            path,
            problem
                .as_ref()
                .map(|p| (p.path.as_path(), p.line, p.column, p.message.as_str())),
            *more,
        ),
        Ok(Done::PoolSaved { path }) => said::pool_saved(path),
        Ok(Done::SessionsImported { count, path }) => said::sessions_imported(*count, path),
        Ok(Done::CasesRead { count, path }) => said::cases_read(*count, path),
        Ok(Done::CasesSaved { count, path }) => said::cases_saved(*count, path),
        Ok(Done::MatrixExported { path }) => said::matrix_exported(path),
        Ok(Done::AccessSaved { path }) => said::access_saved(path),
        Ok(Done::CaseAdded { rule, request }) => said::case_added(*rule, request),
        Err(Failed::Read(why)) => why.clone(),
        Err(Failed::Write { path, error }) => said::cannot_write(path, error),
        Err(Failed::NoMatrix) => said::NO_MATRIX.to_string(),
        Err(Failed::NoAccess) => said::NO_ACCESS.to_string(),
        Err(Failed::NoRequestReaches { rule }) => said::no_request_reaches(*rule),
    };
    let error = match result {
        Ok(done) => done.is_warning(),
        Err(_) => true,
    };
    Status { text, error }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SimTab {
    #[default]
    Request,
    Pool,
    Scenario,
    Matrix,
    /// Who can use a feature, or what one user can use.
    Access,
    Tests,
}

impl SimTab {
    pub const ALL: [SimTab; 6] = [
        SimTab::Request,
        SimTab::Pool,
        SimTab::Scenario,
        SimTab::Matrix,
        SimTab::Access,
        SimTab::Tests,
    ];

    pub fn title(self) -> &'static str {
        match self {
            SimTab::Request => "Request",
            SimTab::Pool => "Pool",
            SimTab::Scenario => "Scenario",
            SimTab::Matrix => "Matrix",
            SimTab::Access => "Access",
            SimTab::Tests => "Tests",
        }
    }
}

/// The native dialogs the simulator opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimDialog {
    OpenPool,
    SavePool,
    ImportSessions,
    OpenCases,
    SaveCases,
    ExportMatrix,
    ExportAccessCsv,
    ExportAccessHtml,
}

impl SimDialog {
    pub fn is_save(self) -> bool {
        matches!(
            self,
            SimDialog::SavePool
                | SimDialog::SaveCases
                | SimDialog::ExportMatrix
                | SimDialog::ExportAccessCsv
                | SimDialog::ExportAccessHtml
        )
    }

    pub fn csv(self) -> bool {
        matches!(
            self,
            SimDialog::ImportSessions | SimDialog::ExportMatrix | SimDialog::ExportAccessCsv
        )
    }

    pub fn file_name(self) -> &'static str {
        match self {
            SimDialog::OpenPool | SimDialog::SavePool => "pool.json",
            SimDialog::OpenCases | SimDialog::SaveCases => "cases.json",
            SimDialog::ImportSessions => "sessions.csv",
            SimDialog::ExportMatrix => "matrix.csv",
            SimDialog::ExportAccessCsv => "access.csv",
            SimDialog::ExportAccessHtml => "access.html",
        }
    }
}
