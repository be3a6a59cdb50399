//! The compiler's passes, one per file, and the pipelines that order them.
//! Every pass has a name (for `--dump-after`) and a one-line description
//! (`optc passes`).

mod manager;
mod place;
mod realize_matrix;
mod summarize;
mod verify;

pub use manager::{Pass, PassError, PassManager};

/// The pipeline for linear networks.
pub fn linear_pipeline() -> PassManager {
    PassManager::new(vec![
        Box::new(realize_matrix::RealizeMatrix),
        Box::new(place::Place),
        Box::new(verify::Verify),
        Box::new(summarize::Summarize),
    ])
}
