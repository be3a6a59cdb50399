//! optc-draw: pictures and other tools' formats of a netlist: SVG rendering
//! (spec/render.md) and the SAX and gdsfactory exports (spec/export.md).

pub mod chip_layout;
pub mod export;
pub mod render;
