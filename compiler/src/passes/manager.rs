//! The pass manager: runs named passes in order over a compile unit and can
//! dump the unit after any of them.

use crate::emit::EmitError;
use crate::factor::FactorError;
use crate::syntax::Span;
use crate::unit::CompileUnit;
use std::time::Instant;
use thiserror::Error;

pub trait Pass {
    fn name(&self) -> &'static str;
    fn description(&self) -> &'static str;
    fn run(&self, unit: &mut CompileUnit) -> Result<(), PassError>;
}

#[derive(Debug, Error)]
pub enum PassError {
    #[error("network `{network}`: {source}")]
    Factor {
        network: String,
        #[source]
        source: FactorError,
    },
    #[error("network `{network}`: {source}")]
    Emit {
        network: String,
        #[source]
        source: EmitError,
    },
    #[error("network `{network}`: pass `{pass}` needs {needs}, which no earlier pass produced")]
    Order {
        network: String,
        pass: &'static str,
        needs: &'static str,
    },
    /// A source that is valid language but not a design this compiler
    /// realizes; `span` points at the declaration or layer concerned.
    #[error("network `{network}`: {message}{}", help_line(.help))]
    Design {
        network: String,
        message: String,
        help: Option<String>,
        span: Span,
    },
    #[error("network `{network}`: calibration failed: {message}")]
    Calibrate { network: String, message: String },
    #[error("network `{network}`: verification failed: {message}")]
    Verify { network: String, message: String },
}

fn help_line(help: &Option<String>) -> String {
    help.as_ref()
        .map(|h| format!("\n  = help: {h}"))
        .unwrap_or_default()
}

pub struct PassManager {
    passes: Vec<Box<dyn Pass>>,
    netlist_final_after: Option<&'static str>,
}

impl PassManager {
    pub fn new(passes: Vec<Box<dyn Pass>>) -> Self {
        PassManager {
            passes,
            netlist_final_after: None,
        }
    }

    /// Declares that no pass after `pass` changes the netlist or the phase
    /// file, so a caller may render them while the rest runs (the driver
    /// checks the claim and renders again if it was wrong).
    pub fn with_netlist_final_after(mut self, pass: &'static str) -> Self {
        self.netlist_final_after = Some(pass);
        self
    }

    pub fn passes(&self) -> impl Iterator<Item = &dyn Pass> {
        self.passes.iter().map(|p| p.as_ref())
    }

    pub fn has(&self, name: &str) -> bool {
        self.passes.iter().any(|p| p.name() == name)
    }

    /// Runs every pass; after the one named `dump_after`, hands the unit's
    /// dump to `dump`. A pass warns with `unit.warn(span, …)`; a plain string
    /// it pushes onto `unit.report.warnings` instead becomes a warning at the
    /// network's declaration (the driver lists every warning in the report).
    pub fn run(
        &self,
        unit: &mut CompileUnit,
        dump_after: Option<&str>,
        dump: impl FnMut(&str, &CompileUnit),
    ) -> Result<(), PassError> {
        self.run_observed(unit, dump_after, dump, |_| {})
    }

    /// [`PassManager::run`], calling `netlist_final` once, right after the
    /// pass named by [`PassManager::with_netlist_final_after`].
    pub fn run_observed(
        &self,
        unit: &mut CompileUnit,
        dump_after: Option<&str>,
        mut dump: impl FnMut(&str, &CompileUnit),
        mut netlist_final: impl FnMut(&CompileUnit),
    ) -> Result<(), PassError> {
        for pass in &self.passes {
            let before = unit.report.warnings.len();
            let started = Instant::now();
            pass.run(unit)?;
            unit.timings.push((pass.name(), started.elapsed()));
            let span = unit.ir.span;
            for message in unit.report.warnings.split_off(before) {
                unit.warn(span, message);
            }
            if dump_after == Some(pass.name()) {
                dump(pass.name(), unit);
            }
            if self.netlist_final_after == Some(pass.name()) {
                netlist_final(unit);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::program::{DeviceRef, LinearNetwork, LinearRealization, MatrixSource};
    use optc_model::mesh::MeshDesign;

    struct Warns;

    impl Pass for Warns {
        fn name(&self) -> &'static str {
            "warns"
        }
        fn description(&self) -> &'static str {
            "warns twice"
        }
        fn run(&self, unit: &mut CompileUnit) -> Result<(), PassError> {
            unit.warn(Span::new(30, 36), "located");
            unit.report.warnings.push("a plain string".into());
            Ok(())
        }
    }

    #[test]
    fn plain_string_warnings_are_located_at_the_network() {
        let network = LinearNetwork {
            name: "w".into(),
            span: Span::new(7, 8),
            matrix: nalgebra::DMatrix::identity(2, 2),
            source: MatrixSource::Inline,
            realize: LinearRealization::Unitary,
            mesh: MeshDesign::CLEMENTS,
            tolerance: 1e-9,
            device: DeviceRef::ideal(),
        };
        let mut unit = CompileUnit::new(crate::ir::build::build_linear(&network), "w.optc");
        PassManager::new(vec![Box::new(Warns)])
            .run(&mut unit, None, |_, _| {})
            .unwrap();
        let got: Vec<_> = unit
            .warnings
            .iter()
            .map(|w| (w.message.as_str(), w.span))
            .collect();
        assert_eq!(
            got,
            [
                ("located", Span::new(30, 36)),
                ("a plain string", Span::new(7, 8))
            ]
        );
        assert!(unit.report.warnings.is_empty());
    }
}
