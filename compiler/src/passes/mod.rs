//! The compiler's passes, one per file, and the pipelines that order them.
//! Every pass has a name (for `--dump-after`) and a one-line description
//! (`optc passes`).

mod calibrate_reducer;
mod design_reducer;
pub mod emitted;
mod full_scale;
mod manager;
mod place;
mod place_reducer;
mod realize_matrix;
mod summarize;
mod summarize_reducer;
mod train_reducer;
mod verify;
mod verify_digit_serial;
mod verify_reducer;

pub use manager::{Pass, PassError, PassManager};

/// The pipeline for linear networks.
pub fn linear_pipeline() -> PassManager {
    PassManager::new(vec![
        Box::new(realize_matrix::RealizeMatrix),
        Box::new(place::Place),
        Box::new(verify::Verify),
        Box::new(summarize::Summarize),
    ])
    .with_netlist_final_after("place")
}

/// The pipeline for reducers.
pub fn reducer_pipeline() -> PassManager {
    PassManager::new(vec![
        Box::new(design_reducer::DesignReducer),
        Box::new(place_reducer::PlaceReducer),
        Box::new(train_reducer::TrainReducer),
        Box::new(calibrate_reducer::CalibrateReducer),
        Box::new(full_scale::FullScale),
        Box::new(verify_reducer::VerifyReducer),
        Box::new(summarize_reducer::SummarizeReducer),
    ])
}
