//! Reducer design (linear and ONN) and hardware-aware training, on the
//! stage model of `optc_sim::reducer` (spec/reducer.md).

pub mod design;
pub mod train;
pub mod tune;

#[cfg(test)]
mod tests;
