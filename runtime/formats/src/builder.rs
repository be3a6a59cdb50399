//! Builds a netlist and its phase file by composition: every mode ("rail")
//! has a current output port, and each `add_*` consumes rails and moves them
//! to the new instance's outputs, so emission is a sequence of calls.

use crate::netlist::cell::{index_digits, mzi_name, Cell, CellMesh, MAX_CELL_MODES};
use crate::netlist::reducer_section::ReducerInterface;
use crate::netlist::{structure_hash, Instance, Netlist, Placement, NETLIST_VERSION};
use crate::phases::{MeshSettings, NetlistRef, Phases, Setting, PHASES_VERSION};
use optc_model::component::Kind;
use optc_model::mesh::Mesh;
use optc_model::mzi::wrap_phase;
use std::collections::BTreeMap;
use thiserror::Error;

/// A rail: where the light of one mode currently is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rail {
    /// Still the circuit's external input of this name.
    Input(String),
    /// Output `port` of `instance`.
    Port { instance: String, port: usize },
    /// Ended (detected into a terminator or merged by a combiner).
    Closed,
}

/// A misuse of the builder (a compiler bug or a name clash in the source).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BuildError {
    #[error("instance name `{0}` is used twice")]
    DuplicateName(String),
    #[error("rail {rail} does not exist (the builder has {rails} rails)")]
    NoRail { rail: usize, rails: usize },
    #[error("rail {0} is closed")]
    ClosedRail(usize),
    #[error("{0}")]
    Invalid(String),
}

#[derive(Debug, Clone)]
pub struct NetlistBuilder {
    name: String,
    rails: Vec<Rail>,
    instances: BTreeMap<String, Instance>,
    connections: BTreeMap<String, String>,
    ports: BTreeMap<String, String>,
    placements: BTreeMap<String, Placement>,
    settings: BTreeMap<String, Setting>,
    cells: BTreeMap<String, Cell>,
    meshes: BTreeMap<String, MeshSettings>,
    /// The next free placement column.
    column: usize,
    phase_bits: Option<u32>,
    reducer: Option<ReducerInterface>,
    error: Option<BuildError>,
}

fn endpoint(instance: &str, port: &str) -> String {
    format!("{instance},{port}")
}

/// The instance names `add_mesh(mesh, _, prefix)` gives the MZIs of
/// `mesh`: `{prefix}mzi_c{column}_m{mode}`, both zero-padded to the digits
/// of the mesh's larger dimension (found once per mesh: the depth is a
/// pass over every MZI).
pub struct MeshNames<'a> {
    prefix: &'a str,
    width: usize,
}

impl<'a> MeshNames<'a> {
    pub fn new(prefix: &'a str, mesh: &Mesh) -> Self {
        MeshNames {
            prefix,
            width: index_digits(mesh.depth().max(mesh.modes)),
        }
    }

    /// The name of MZI `m` (the name the cell instance `{prefix}mzi` gives
    /// it, `CellLayout::mzi_name`).
    pub fn of(&self, m: &optc_model::mesh::MziSetting) -> String {
        mzi_name(&format!("{}mzi", self.prefix), self.width, m.column, m.mode)
    }
}

impl NetlistBuilder {
    /// A circuit whose `inputs` modes enter at external ports `in0..`.
    pub fn new(name: &str, inputs: usize) -> Self {
        NetlistBuilder {
            name: name.to_string(),
            rails: (0..inputs).map(|m| Rail::Input(format!("in{m}"))).collect(),
            instances: BTreeMap::new(),
            connections: BTreeMap::new(),
            ports: BTreeMap::new(),
            placements: BTreeMap::new(),
            settings: BTreeMap::new(),
            cells: BTreeMap::new(),
            meshes: BTreeMap::new(),
            column: 0,
            phase_bits: None,
            reducer: None,
            error: None,
        }
    }

    /// Writes DAC codes and quantization errors into the phase file.
    pub fn phase_bits(mut self, bits: u32) -> Self {
        self.phase_bits = Some(bits);
        self
    }

    /// Attaches the reducer interface (`reducer:` section) to the netlist.
    pub fn reducer(&mut self, interface: ReducerInterface) -> &mut Self {
        self.reducer = Some(interface);
        self
    }

    /// The external output name `build` will give `rail` (open rails become
    /// `out0..` in rail order), or None if the rail is closed or unused.
    pub fn output_port(&self, rail: usize) -> Option<String> {
        if !matches!(self.rails.get(rail), Some(Rail::Port { .. })) {
            return None;
        }
        let k = self.rails[..rail]
            .iter()
            .filter(|r| matches!(r, Rail::Port { .. }))
            .count();
        Some(format!("out{k}"))
    }

    pub fn rails(&self) -> &[Rail] {
        &self.rails
    }

    /// The next free placement column (the builder advances it after each stage).
    pub fn column(&self) -> usize {
        self.column
    }

    fn fail(&mut self, e: BuildError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    fn add_instance(&mut self, name: &str, kind: Kind, attrs: &[(&str, f64)]) -> bool {
        self.add_component(name, kind.name(), attrs)
    }

    /// An instance of `component`: a kind's name or a cell's.
    fn add_component(&mut self, name: &str, component: &str, attrs: &[(&str, f64)]) -> bool {
        if self.instances.contains_key(name) {
            self.fail(BuildError::DuplicateName(name.to_string()));
            return false;
        }
        let settings = attrs.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        self.instances.insert(
            name.to_string(),
            Instance {
                component: component.to_string(),
                settings,
            },
        );
        true
    }

    /// Connects the light on `rail` into input `port` of `instance`.
    fn feed(&mut self, rail: usize, instance: &str, port: usize) {
        let to = endpoint(instance, &format!("in{port}"));
        match self.rails.get(rail).cloned() {
            None => self.fail(BuildError::NoRail {
                rail,
                rails: self.rails.len(),
            }),
            Some(Rail::Closed) => self.fail(BuildError::ClosedRail(rail)),
            Some(Rail::Input(ext)) => {
                self.ports.insert(ext, to);
            }
            Some(Rail::Port {
                instance: from,
                port: p,
            }) => {
                self.connections
                    .insert(endpoint(&from, &format!("out{p}")), to);
            }
        }
    }

    fn set_rail(&mut self, rail: usize, instance: &str, port: usize) {
        if let Some(r) = self.rails.get_mut(rail) {
            *r = Rail::Port {
                instance: instance.to_string(),
                port,
            };
        }
    }

    fn place(&mut self, name: &str, column: usize, mode: usize) {
        self.placements
            .insert(name.to_string(), Placement { column, mode });
    }

    /// Reorders the rails: rail `i` becomes what rail `order[i]` was.
    /// Logical only (placement rows follow the new order); on a chip this is
    /// a set of waveguide crossings, which is how segmented realizations
    /// bring each block's copies of the input side by side.
    pub fn permute_rails(&mut self, order: &[usize]) -> &mut Self {
        let mut seen = vec![false; self.rails.len()];
        let valid = order.len() == self.rails.len()
            && order
                .iter()
                .all(|&r| r < seen.len() && !std::mem::replace(&mut seen[r], true));
        if !valid {
            self.fail(BuildError::Invalid(format!(
                "rail order {order:?} is not a permutation of {} rails",
                self.rails.len()
            )));
            return self;
        }
        self.rails = order.iter().map(|&r| self.rails[r].clone()).collect();
        self
    }

    /// A single-port element on `rail`.
    fn add_inline(&mut self, name: &str, kind: Kind, rail: usize, attrs: &[(&str, f64)]) {
        if self.add_instance(name, kind, attrs) {
            self.feed(rail, name, 0);
            self.set_rail(rail, name, 0);
        }
    }

    /// The mesh on rails `first_rail..first_rail + mesh.modes`: its MZIs in
    /// propagation order, then its output phase screen. MZI `c, m` is
    /// named `{prefix}mzi_c{c}_m{m}` and placed at column `column() + c`,
    /// mode `first_rail + m`.
    pub fn add_mesh(&mut self, mesh: &Mesh, first_rail: usize, prefix: &str) -> &mut Self {
        if first_rail + mesh.modes > self.rails.len() {
            self.fail(BuildError::NoRail {
                rail: first_rail + mesh.modes - 1,
                rails: self.rails.len(),
            });
            return self;
        }
        let base = self.column;
        let names = MeshNames::new(prefix, mesh);
        for m in &mesh.mzis {
            if m.mode + 1 >= mesh.modes {
                self.fail(BuildError::Invalid(format!(
                    "MZI at mode {} of a {}-mode mesh",
                    m.mode, mesh.modes
                )));
                return self;
            }
            let name = names.of(m);
            if !self.add_instance(&name, Kind::Mzi(mesh.cell), &[]) {
                return self;
            }
            let top = first_rail + m.mode;
            self.feed(top, &name, 0);
            self.feed(top + 1, &name, 1);
            self.set_rail(top, &name, 0);
            self.set_rail(top + 1, &name, 1);
            self.place(&name, base + m.column, top);
            self.settings.insert(
                name,
                Setting {
                    theta: Some(wrap_phase(m.theta)),
                    phi: Some(wrap_phase(m.phi)),
                    ..Setting::default()
                },
            );
        }
        self.column = base + mesh.depth();
        let screen = format!("{prefix}out_");
        self.add_phase_shifters(first_rail, &mesh.output_phases, &screen);
        self
    }

    /// The mesh as one instance `{prefix}mzi` of the cell `{mesh}{modes}`
    /// (`{mesh}_{modes}` for cells other than the standard MZI)
    /// (spec/netlist.md, "Cells"), its settings as the arrays of
    /// `meshes.{prefix}mzi`, then its output phase screen; the same circuit,
    /// MZI names and placement as `add_mesh`, which it falls back to when
    /// the mesh is not the full layout of its style.
    pub fn add_mesh_cell(&mut self, mesh: &Mesh, first_rail: usize, prefix: &str) -> &mut Self {
        let cell = Cell {
            mesh: CellMesh::new(mesh.style, mesh.cell),
            modes: mesh.modes,
        };
        let mut placed: Vec<_> = mesh.mzis.iter().collect();
        placed.sort_by_key(|m| (m.column, m.mode));
        let full = (2..=MAX_CELL_MODES).contains(&mesh.modes)
            && placed
                .iter()
                .map(|m| (m.column, m.mode))
                .eq(mesh.style.positions(mesh.modes));
        if !full || first_rail + mesh.modes > self.rails.len() {
            return self.add_mesh(mesh, first_rail, prefix);
        }
        let name = format!("{prefix}mzi");
        // `clements3_8`, not `clements38`.
        let cell_name = match mesh.cell {
            optc_model::mzi::MziCell::Standard => format!("{}{}", cell.mesh.name(), mesh.modes),
            _ => format!("{}_{}", cell.mesh.name(), mesh.modes),
        };
        if !self.add_component(&name, &cell_name, &[]) {
            return self;
        }
        self.cells.insert(cell_name, cell);
        for k in 0..mesh.modes {
            self.feed(first_rail + k, &name, k);
            self.set_rail(first_rail + k, &name, k);
        }
        self.place(&name, self.column, first_rail);
        let mut settings = MeshSettings::default();
        for m in placed {
            if settings.theta.len() <= m.column {
                settings.theta.resize(m.column + 1, Vec::new());
                settings.phi.resize(m.column + 1, Vec::new());
            }
            settings.theta[m.column].push(wrap_phase(m.theta));
            settings.phi[m.column].push(wrap_phase(m.phi));
        }
        self.meshes.insert(name, settings);
        self.column += mesh.depth();
        let screen = format!("{prefix}out_");
        self.add_phase_shifters(first_rail, &mesh.output_phases, &screen);
        self
    }

    /// A column of phase shifters on rails `first_rail..`, named `{prefix}ps_m{m}`.
    pub fn add_phase_shifters(
        &mut self,
        first_rail: usize,
        phases: &[f64],
        prefix: &str,
    ) -> &mut Self {
        self.add_column(first_rail, phases, prefix, "ps", Kind::PhaseShifter)
    }

    /// A column of attenuators with power transmissions `t` (≤ 1), named `{prefix}att_m{m}`.
    pub fn add_attenuators(&mut self, first_rail: usize, t: &[f64], prefix: &str) -> &mut Self {
        self.add_column(first_rail, t, prefix, "att", Kind::Attenuator)
    }

    /// One column of attenuators on the given rails (any order, no gaps
    /// required): rail `rails[j]` gets transmission `t[j]`.
    pub fn add_attenuators_on(&mut self, rails: &[usize], t: &[f64], prefix: &str) -> &mut Self {
        self.add_column_on(rails, t, prefix, "att", Kind::Attenuator)
    }

    fn add_column(
        &mut self,
        first: usize,
        values: &[f64],
        prefix: &str,
        short: &str,
        kind: Kind,
    ) -> &mut Self {
        let rails: Vec<usize> = (first..first + values.len()).collect();
        self.add_column_on(&rails, values, prefix, short, kind)
    }

    fn add_column_on(
        &mut self,
        rails: &[usize],
        values: &[f64],
        prefix: &str,
        short: &str,
        kind: Kind,
    ) -> &mut Self {
        let col = self.column;
        let w = index_digits(rails.iter().max().map_or(0, |r| r + 1));
        for (&rail, &v) in rails.iter().zip(values) {
            let name = format!("{prefix}{short}_m{rail:0w$}");
            self.add_inline(&name, kind, rail, &[]);
            self.place(&name, col, rail);
            let setting = match kind {
                Kind::Attenuator => Setting {
                    transmission: Some(v),
                    ..Setting::default()
                },
                _ => Setting {
                    phase: Some(wrap_phase(v)),
                    ..Setting::default()
                },
            };
            self.settings.insert(name, setting);
        }
        self.column += 1;
        self
    }

    /// An explicit amplifier (power gain ≥ 1) on `rail`.
    pub fn add_amplifier(&mut self, rail: usize, power_gain: f64, name: &str) -> &mut Self {
        self.add_inline(name, Kind::Amplifier, rail, &[("power_gain", power_gain)]);
        self
    }

    /// A fixed directional coupler on rails `top`, `top + 1` (`ratio`: power to the cross port).
    pub fn add_coupler(&mut self, top: usize, ratio: f64, name: &str) -> &mut Self {
        if self.add_instance(name, Kind::Coupler, &[("ratio", ratio)]) {
            for p in 0..2 {
                self.feed(top + p, name, p);
                self.set_rail(top + p, name, p);
            }
        }
        self
    }

    /// A 1→k splitter on `rail`: output 0 stays on `rail`, outputs 1..k
    /// become new rails. Returns the k rails.
    pub fn add_splitter(&mut self, rail: usize, k: usize, name: &str) -> Vec<usize> {
        if !self.add_instance(name, Kind::Splitter, &[("k", k as f64)]) {
            return Vec::new();
        }
        self.feed(rail, name, 0);
        self.set_rail(rail, name, 0);
        let mut out = vec![rail];
        for p in 1..k {
            out.push(self.rails.len());
            self.rails.push(Rail::Port {
                instance: name.to_string(),
                port: p,
            });
        }
        out
    }

    /// A k→1 coherent combiner of `rails`; the sum continues on `rails[0]`,
    /// the other rails close.
    pub fn add_combiner(&mut self, rails: &[usize], name: &str) -> &mut Self {
        if rails.is_empty() {
            self.fail(BuildError::Invalid(format!(
                "combiner `{name}` of no rails"
            )));
            return self;
        }
        if self.add_instance(name, Kind::Combiner, &[("k", rails.len() as f64)]) {
            for (p, &r) in rails.iter().enumerate() {
                self.feed(r, name, p);
                if let Some(slot) = self.rails.get_mut(r) {
                    *slot = Rail::Closed;
                }
            }
            self.set_rail(rails[0], name, 0);
        }
        self
    }

    /// Constant coherent light (bias) on a new rail; returns the rail.
    pub fn add_source(&mut self, amplitude: f64, phase: f64, name: &str) -> usize {
        let rail = self.rails.len();
        if self.add_instance(
            name,
            Kind::Source,
            &[("amplitude", amplitude), ("phase", phase)],
        ) {
            self.rails.push(Rail::Port {
                instance: name.to_string(),
                port: 0,
            });
        }
        rail
    }

    /// The electro-optic activation (spec/netlist.md) on `rail`.
    pub fn add_eo_activation(
        &mut self,
        rail: usize,
        alpha: f64,
        gain: f64,
        bias: f64,
        name: &str,
    ) -> &mut Self {
        self.add_inline(
            name,
            Kind::EoActivation,
            rail,
            &[("alpha", alpha), ("gain", gain), ("bias", bias)],
        );
        self
    }

    /// A detector on `rail`; with a threshold its output is a bit.
    pub fn add_detector(&mut self, rail: usize, threshold: Option<f64>, name: &str) -> &mut Self {
        let attrs: Vec<(&str, f64)> = threshold.map(|t| ("threshold", t)).into_iter().collect();
        self.add_inline(name, Kind::Detector, rail, &attrs);
        self
    }

    /// Ends the light on `rail` (an unused output).
    pub fn add_terminator(&mut self, rail: usize, name: &str) -> &mut Self {
        if self.add_instance(name, Kind::Terminator, &[]) {
            self.feed(rail, name, 0);
            if let Some(r) = self.rails.get_mut(rail) {
                *r = Rail::Closed;
            }
        }
        self
    }

    /// The netlist and its phase file. Open rails become the external
    /// outputs `out0..` in rail order.
    pub fn build(mut self) -> Result<(Netlist, Phases), BuildError> {
        let mut k = 0;
        for rail in self.rails.clone() {
            match rail {
                Rail::Closed => {}
                Rail::Input(ext) => {
                    return Err(BuildError::Invalid(format!(
                        "external input `{ext}` passes through no component; a netlist needs an instance on every path"
                    )))
                }
                Rail::Port { instance, port } => {
                    self.ports
                        .insert(format!("out{k}"), endpoint(&instance, &format!("out{port}")));
                    k += 1;
                }
            }
        }
        if let Some(e) = self.error {
            return Err(e);
        }
        let netlist = Netlist {
            version: NETLIST_VERSION,
            name: self.name.clone(),
            modes: self.rails.len(),
            ports: self.ports,
            instances: self.instances,
            connections: self.connections,
            placements: self.placements,
            cells: self.cells,
            reducer: self.reducer,
            digit_serial: None,
        };
        let phases = Phases {
            version: PHASES_VERSION,
            netlist: NetlistRef {
                name: self.name,
                hash: structure_hash(&netlist),
            },
            phase_bits: None,
            calibrated_for: None,
            settings: self.settings,
            meshes: self.meshes,
        };
        let phases = match self.phase_bits {
            Some(bits) => phases.with_dac(bits),
            None => phases,
        };
        Ok((netlist, phases))
    }
}
