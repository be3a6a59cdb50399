//! Emission: realizations onto a netlist builder, the report, and the
//! atomic writing of a compiled network's three files.

mod realization;
mod reducer;
mod report;
mod write;

pub use realization::{emit_realization, EmitError};
pub use reducer::emit_reducer;
pub use report::{
    summary_line, DesignCalibration, DeviceFigures, DigitSerialReport, LevelFigures, LinearReport,
    ReducerReport, Report, StageDeviceFigures, REPORT_VERSION,
};
pub use write::{write_outputs, OutputPaths};
