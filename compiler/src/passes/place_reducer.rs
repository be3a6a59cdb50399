//! `place` (reducers): emit the designed circuit model as a netlist, stage
//! by stage (`emit::emit_reducer`), with its `reducer:` section and a phase
//! file carrying DAC codes when the device has a DAC; then execute the
//! emitted netlist on the ideal device (continuous phases) and require it to
//! agree with the circuit model on every sum (decisions, and comparator
//! inputs to 1e-9 of full scale).

use super::{Pass, PassError};
use crate::emit::emit_reducer;
use crate::unit::{CompileUnit, ReducerLowering};
use optc_formats::netlist::Netlist;
use optc_formats::phases::Phases;
use optc_sim::device::{DeviceInstance, DeviceParams};
use optc_sim::reducer::circuit::Readout;
use optc_sim::reducer::device::DeviceInstance as ModelInstance;
use optc_sim::reducer::executor::{ReducerExecutor, SumResponse};
use optc_sim::reducer::netlist_run::NetlistReducer;
use optc_sim::simulate::Plan;
use rand_chacha::ChaCha8Rng;

pub struct PlaceReducer;

/// Ideal netlist and model comparator inputs must agree to this fraction
/// of full scale.
pub const MODEL_AGREEMENT: f64 = 1e-9;

impl Pass for PlaceReducer {
    fn name(&self) -> &'static str {
        "place"
    }

    fn description(&self) -> &'static str {
        "emit the reducer circuit stage by stage as netlist components with its reducer section; check it against the model"
    }

    fn run(&self, unit: &mut CompileUnit) -> Result<(), PassError> {
        let network = unit.name().to_string();
        let Some(lowering) = &unit.reducer else {
            return Err(PassError::Order {
                network,
                pass: "place",
                needs: "a reducer circuit (pass `design`)",
            });
        };
        let emitted = emit_reducer(
            &lowering.circuit,
            &network,
            unit.ir.device.params.phase_bits,
        )
        .map_err(|source| PassError::Emit {
            network: network.clone(),
            source,
        })?;
        agrees_with_model(lowering, &emitted.0, &emitted.1).map_err(|message| {
            PassError::Verify {
                network: network.clone(),
                message,
            }
        })?;
        unit.netlist = Some(emitted);
        Ok(())
    }
}

/// The emitted netlist, run on the ideal device, against the circuit model.
fn agrees_with_model(
    lowering: &ReducerLowering,
    netlist: &Netlist,
    phases: &Phases,
) -> Result<(), String> {
    let (circuit, settings, iface) = super::emitted::resolve_reducer(netlist, phases)?;
    let contract = &lowering.contract;
    let ideal = Plan::new(
        &circuit,
        &settings,
        &DeviceInstance::sample(&DeviceParams::IDEAL, &circuit, 0),
    );
    let runner = NetlistReducer::new(iface, &ideal).map_err(|e| e.to_string())?;
    let table = runner.sum_table(&ideal).map_err(|e| e.to_string())?;
    let model = ReducerExecutor::new(
        &lowering.circuit,
        contract,
        &ModelInstance::ideal(&lowering.circuit),
        0,
    );
    let a = contract.max_sum();
    let comps = runner.comparators();
    let model_signals: Vec<Vec<f64>> = match &lowering.circuit.readout {
        Readout::Bits { .. } => (-a..=a)
            .map(|s| {
                crate::reducer::design::signals_at(&lowering.circuit, contract, s)
                    .into_iter()
                    .map(|x| x.0)
                    .collect()
            })
            .collect(),
        Readout::Coherent { .. } => Vec::new(),
    };
    for (i, (s, resp)) in (-a..=a).zip(&table).enumerate() {
        let got = runner.deliver::<ChaCha8Rng>(resp, None);
        let want = model.table(s).map(i64::from);
        if Some(got) != want {
            return Err(format!(
                "sum {s}: the netlist delivers {got} but the circuit model {want:?}"
            ));
        }
        if let (SumResponse::Signals(sig), Some(m)) = (resp, model_signals.get(i)) {
            for (k, ((x, y), (_, fs))) in sig.iter().zip(m).zip(&comps.detectors).enumerate() {
                if (x - y).abs() > MODEL_AGREEMENT * fs {
                    return Err(format!(
                        "sum {s}, bit {k}: netlist comparator input {x:e} differs from the model's {y:e}"
                    ));
                }
            }
        }
    }
    Ok(())
}
