//! optc-formats: the files optc reads and writes (spec/netlist.md,
//! spec/phases.md, spec/device.md): the MZI netlist and its builder, the
//! phase file, the device file, the netlist's reducer section, matrix files,
//! the codes CSV of `optc reduce`, and atomic writes. Every error is a
//! located `FormatError`.

pub mod codes_file;
pub mod device_file;
pub mod fsio;
pub mod matrix_file;
pub mod netlist;
pub mod phases;
pub mod reducer_section;
