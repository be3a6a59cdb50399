//! The content hash that ties a phase file to its netlist.

use super::Netlist;

/// FNV-1a (64 bit) of the canonical YAML of everything but the name, so a
/// renamed copy keeps its phase files and any structural change breaks them.
pub fn structure_hash(netlist: &Netlist) -> String {
    let mut canonical = netlist.clone();
    canonical.name.clear();
    let text = canonical.to_yaml();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}
