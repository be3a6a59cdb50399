//! `optc model`: the step-time model of data-parallel training in a
//! cluster (spec/model.md). A step is compute (FLOPs at the accelerator's
//! sustained rate) plus the gradient reduction of one of four schemes: ring
//! all-reduce, a tree all-reduce, in-switch electronic aggregation
//! (SHARP-like) and OptINC (one digit-serial unit or a cascade of them).
//! Closed forms only; no training runs here.

pub mod plot;
pub mod presets;
pub mod projection;
pub mod schemes;
pub mod setting;

pub use schemes::{evaluate, Evaluation, Scheme, SchemeTime};
pub use setting::{Accelerator, Network, OpticalUnit, Setting, StepModelError, Switch, Workload};
