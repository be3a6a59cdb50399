//! `train` (reducers): on the emitted netlist and its ideal chip, tune each
//! bit's combiner phase and measure the comparators' full scales (the ONN
//! design), then train hardware-aware with the source's `train` settings
//! against the target device: the same netlist, plan and device model
//! `optc simulate` runs (spec/reducer.md, "Training"). A linear reducer has
//! nothing to train.

use super::{Pass, PassError};
use crate::check::program::TrainSettings;
use crate::ir::NetworkKind;
use crate::reducer::design::combiner_names;
use crate::reducer::digit_serial::on_stage_template;
use crate::reducer::train::{train, TrainOptions, TrainReport, Trainee};
use crate::reducer::tune::{set_full_scales, tune_combiners};
use crate::unit::CompileUnit;
use indicatif::{ProgressBar, ProgressStyle};
use optc_formats::netlist::structure_hash;
use optc_model::device::DeviceParams;
use std::io::IsTerminal;
use std::time::Instant;

pub struct TrainReducer;

impl Pass for TrainReducer {
    fn name(&self) -> &'static str {
        "train"
    }

    fn description(&self) -> &'static str {
        "tune the ONN's bit phases and full scales on the ideal chip, then train the netlist hardware-aware"
    }

    fn run(&self, unit: &mut CompileUnit) -> Result<(), PassError> {
        let network = unit.name().to_string();
        let fail = |message: String| PassError::Calibrate {
            network: network.clone(),
            message,
        };
        let (Some(lowering), Some((netlist, phases))) = (&unit.reducer, &unit.netlist) else {
            return Err(PassError::Order {
                network,
                pass: "train",
                needs: "a placed reducer netlist (passes `design` and `place`)",
            });
        };
        if lowering.realization == "linear" {
            return Ok(());
        }
        let NetworkKind::Reducer {
            train: settings, ..
        } = &unit.ir.kind
        else {
            return Ok(());
        };
        let started = Instant::now();
        let device = unit.ir.device.params;
        let combiners = combiner_names(&lowering.circuit);
        let mut report = None;
        // A digit-serial chain trains its stage template once.
        let trained = on_stage_template(netlist, phases, |netlist, phases| {
            let (circuit, programmed, iface) =
                super::emitted::resolve_reducer(netlist, phases).map_err(&fail)?;
            let mut t = Trainee::new(circuit, programmed, iface.clone())
                .map_err(|e| fail(e.to_string()))?;
            tune_combiners(&mut t, &combiners).map_err(|e| fail(e.to_string()))?;
            set_full_scales(&mut t).map_err(|e| fail(e.to_string()))?;
            report = Some(
                run_training(&mut t, &settings.unwrap_or_default(), device, &network)
                    .map_err(|e| fail(e.to_string()))?,
            );
            let mut netlist = netlist.clone();
            t.write_attrs(&mut netlist);
            netlist.reducer = Some(t.interface.clone());
            let mut phases = phases.with_settings(&t.circuit, &t.settings);
            phases.netlist.hash = structure_hash(&netlist);
            Ok((netlist, phases))
        })?;
        let report = report.unwrap_or(TrainReport {
            initial_loss: f64::NAN,
            final_loss: f64::NAN,
            steps: 0,
        });
        unit.netlist = Some(trained);
        if let Some(l) = &mut unit.reducer {
            l.training_steps = report.steps;
            l.training_final_loss = report.final_loss.is_finite().then_some(report.final_loss);
            l.training_time_s = started.elapsed().as_secs_f64();
        }
        Ok(())
    }
}

/// Trains with the DSL's settings: one step = one epoch over every distinct
/// sum (full batch), so `epochs` is the number of Adam steps.
fn run_training(
    t: &mut Trainee,
    settings: &TrainSettings,
    device: DeviceParams,
    network: &str,
) -> Result<TrainReport, optc_sim::reducer::netlist_run::NetlistRunError> {
    let opts = TrainOptions {
        steps: settings.epochs as usize,
        lr: settings.lr,
        seed: settings.seed,
        noise_aware: settings.noise_aware,
        device,
        ..TrainOptions::default()
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(opts.steps as u64);
        if let Ok(style) =
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} epochs, loss {prefix}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(format!("training {network}"));
        bar
    });
    let report = train(t, &opts, &mut |step, loss| {
        if let Some(b) = &bar {
            b.set_position(step as u64 + 1);
            b.set_prefix(format!("{loss:.4e}"));
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    report
}
