//! optc-formats: the files optc reads and writes (spec/netlist.md,
//! spec/phases.md, spec/device.md): the MZI netlist and its builder, the
//! phase file, the device file, the netlist's reducer section, the codes CSV
//! of `optc reduce`, matrix files (with the CSV reader and the number literals they share with the
//! language), and atomic writes. Module order: `netlist` (with its reducer
//! section) ← `phases` ← `builder` (writes both); no module reaches back.
//! Every error is a located `FormatError`.

pub mod builder;
pub mod chip_file;
pub mod codes_file;
pub mod csv_reader;
pub mod device_file;
pub mod fsio;
pub mod matrix_file;
pub mod netlist;
pub mod number;
pub mod phases;
