//! Loading a netlist together with its phase file, as `simulate` and
//! `reduce` both do: the phase file defaults to `NAME.phases.yaml` beside
//! the netlist and must belong to it.

use super::CliError;
use optc_runtime::device::NodeSettings;
use optc_runtime::netlist::{Circuit, Netlist};
use optc_runtime::phases::Phases;
use std::path::{Path, PathBuf};

/// A validated netlist with its resolved programmable settings.
pub struct Programmed {
    pub netlist: Netlist,
    pub circuit: Circuit,
    pub phases: Phases,
    pub settings: NodeSettings,
}

/// `dir/NAME.netlist.yaml` → `dir/NAME.phases.yaml`.
pub fn default_phases_path(netlist: &Path) -> PathBuf {
    let name = netlist
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name
        .strip_suffix(".netlist.yaml")
        .or_else(|| name.strip_suffix(".yaml"))
        .unwrap_or(&name);
    netlist.with_file_name(format!("{stem}.phases.yaml"))
}

pub fn load(netlist_path: &Path, phases_path: Option<&Path>) -> Result<Programmed, CliError> {
    let input_err = |e: optc_runtime::netlist::FormatError| CliError::Input(e.to_string());
    let (netlist, circuit) = Netlist::load(netlist_path).map_err(input_err)?;
    let phases_path =
        phases_path.map_or_else(|| default_phases_path(netlist_path), Path::to_path_buf);
    let (phases, text) = Phases::load(&phases_path).map_err(input_err)?;
    let settings = phases
        .resolve(&circuit, &phases_path.display().to_string(), &text)
        .map_err(input_err)?;
    Ok(Programmed {
        netlist,
        circuit,
        phases,
        settings,
    })
}
