//! The phase file of a netlist's flat form (`Netlist::flatten`): every
//! `meshes:` array entry becomes the `settings:` entry of the MZI it
//! programs, and the file points at the flat netlist's structure hash.

use super::{MeshSettings, Phases, Setting};
use crate::netlist::{structure_hash, Netlist};

impl Phases {
    /// These settings for `flat`, the flat form of `netlist` (which these
    /// settings belong to). Entries whose cell instance is not in `netlist`
    /// are dropped (resolve against `netlist` first to catch them).
    pub fn flatten(&self, netlist: &Netlist, flat: &Netlist) -> Phases {
        let mut out = Phases {
            netlist: super::NetlistRef {
                name: flat.name.clone(),
                hash: structure_hash(flat),
            },
            meshes: Default::default(),
            ..self.clone()
        };
        for (name, m) in &self.meshes {
            let Some(layout) = netlist
                .instances
                .get(name)
                .and_then(|i| netlist.cells.get(&i.component))
                .and_then(|c| c.layout())
            else {
                continue;
            };
            for (i, setting) in mesh_settings(m).enumerate().take(layout.len()) {
                out.settings.insert(layout.mzi_name(name, i), setting);
            }
        }
        out
    }
}

/// The settings of a cell's MZIs in layout order (row by row).
fn mesh_settings(m: &MeshSettings) -> impl Iterator<Item = Setting> + '_ {
    let flat_f = |v: &Option<Vec<Vec<f64>>>| -> Vec<Option<f64>> {
        v.iter().flatten().flatten().map(|&x| Some(x)).collect()
    };
    let flat_i = |v: &Option<Vec<Vec<i64>>>| -> Vec<Option<i64>> {
        v.iter().flatten().flatten().map(|&x| Some(x)).collect()
    };
    let (tc, tq, pc, pq) = (
        flat_i(&m.theta_code),
        flat_f(&m.theta_quant_error),
        flat_i(&m.phi_code),
        flat_f(&m.phi_quant_error),
    );
    let theta = m.theta.iter().flatten();
    let phi = m.phi.iter().flatten();
    theta
        .zip(phi)
        .enumerate()
        .map(move |(i, (&t, &p))| Setting {
            theta: Some(t),
            phi: Some(p),
            theta_code: tc.get(i).copied().flatten(),
            theta_quant_error: tq.get(i).copied().flatten(),
            phi_code: pc.get(i).copied().flatten(),
            phi_quant_error: pq.get(i).copied().flatten(),
            ..Setting::default()
        })
}
