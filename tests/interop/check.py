"""Interop check of optc's exports against SAX and gdsfactory.

For each compiled network NAME in WORK (NAME.netlist.yaml, NAME.sax.yaml,
NAME.gf.yaml, NAME.matrix.json written by run.sh):

- SAX: the exported netlist with the 2x2 MZI model below (spec/netlist.md)
  and models of the other linear kinds gives an S-matrix equal to
  `optc simulate --matrix` within 1e-9;
- gdsfactory: gf.read.from_yaml builds the layout with real generic-PDK
  cells (mzi2x2_2x2 for every MZI, plus an mmi2x2 or crossing45 for a
  fault-tolerant one), writes a GDS, and the GDS read back has
  the expected number of instances.

Any failure raises; the exit status is nonzero.
"""

import json
import sys
import time
from pathlib import Path

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import sax  # noqa: E402
import yaml  # noqa: E402

TOL = 1e-9


def _two_by_two(t):
    """The SAX model of a 2×2 transfer t: `(in j, out i)` = t[i][j]."""
    return sax.reciprocal(
        {
            ("in0", "out0"): t[0, 0],
            ("in1", "out0"): t[0, 1],
            ("in0", "out1"): t[1, 0],
            ("in1", "out1"): t[1, 1],
        }
    )


def mzi(theta=0.0, phi=0.0):
    """T(θ, φ) = B·diag(e^{iθ},1)·B·diag(e^{iφ},1), B = [[1, i], [i, 1]]/√2."""
    b = jnp.array([[1, 1j], [1j, 1]]) / jnp.sqrt(2)
    t = b @ jnp.diag(jnp.array([jnp.exp(1j * theta), 1])) @ b @ jnp.diag(
        jnp.array([jnp.exp(1j * phi), 1])
    )
    return _two_by_two(t)


def _matrix(s):
    return jnp.array([[s[("in0", "out0")], s[("in1", "out0")]], [s[("in0", "out1")], s[("in1", "out1")]]])


def mzi3(theta=0.0, phi=0.0):
    """The 3-splitter MZI: T(θ, φ)·B (spec/device.md)."""
    b = jnp.array([[1, 1j], [1j, 1]]) / jnp.sqrt(2)
    return _two_by_two(_matrix(mzi(theta, phi)) @ b)


def mzi_crossing(theta=0.0, phi=0.0):
    """The MZI + crossing: X·T(θ, φ), the MZI's outputs swapped."""
    return _two_by_two(_matrix(mzi(theta, phi))[::-1, :])


def phase_shifter(phase=0.0):
    return sax.reciprocal({("in0", "out0"): jnp.exp(1j * phase)})


def attenuator(transmission=1.0):
    return sax.reciprocal({("in0", "out0"): jnp.sqrt(transmission) + 0j})


def amplifier(power_gain=1.0):
    return sax.reciprocal({("in0", "out0"): jnp.sqrt(power_gain) + 0j})


def coupler(ratio=0.5):
    s, c = jnp.sqrt(ratio), jnp.sqrt(1 - ratio)
    return sax.reciprocal(
        {
            ("in0", "out0"): c + 0j,
            ("in1", "out0"): 1j * s,
            ("in0", "out1"): 1j * s,
            ("in1", "out1"): c + 0j,
        }
    )


def splitter(k=2):
    k = int(k)
    return sax.reciprocal({("in0", f"out{j}"): 1 / np.sqrt(k) + 0j for j in range(k)})


def combiner(k=2):
    k = int(k)
    return sax.reciprocal({(f"in{j}", "out0"): 1 / np.sqrt(k) + 0j for j in range(k)})


def terminator():
    return {("in0", "in0"): jnp.array(0.0 + 0j)}


MODELS = {
    "mzi": mzi,
    "mzi3": mzi3,
    "mzi_crossing": mzi_crossing,
    "phase_shifter": phase_shifter,
    "attenuator": attenuator,
    "amplifier": amplifier,
    "coupler": coupler,
    "splitter": splitter,
    "combiner": combiner,
    "terminator": terminator,
}


def fail(msg):
    raise SystemExit(f"interop FAILED: {msg}")


def check_model_convention():
    """The model is T(θ,φ) of spec/netlist.md in closed form, not just B·…·B."""
    for theta, phi in [(0.3, 1.1), (2.0, 4.0), (np.pi, 0.0)]:
        s = mzi(theta, phi)
        closed = 1j * np.exp(1j * theta / 2) * np.array(
            [
                [np.exp(1j * phi) * np.sin(theta / 2), np.cos(theta / 2)],
                [np.exp(1j * phi) * np.cos(theta / 2), -np.sin(theta / 2)],
            ]
        )
        got = np.array(
            [
                [s[("in0", "out0")], s[("in1", "out0")]],
                [s[("in0", "out1")], s[("in1", "out1")]],
            ]
        )
        if np.max(np.abs(got - closed)) > 1e-12:
            fail(f"MZI model disagrees with the closed form at θ={theta}, φ={phi}")


def max_error(name, s, expected, m):
    err = 0.0
    for i, out in enumerate(expected["rows"]):
        for j, inp in enumerate(expected["columns"]):
            key = (inp, out)
            if key not in s:
                fail(f"{name}: SAX S-matrix has no entry {key}")
            err = max(err, abs(complex(s[key]) - m[i, j]))
    return err


def check_sax(work: Path, name: str):
    t0 = time.time()
    netlist = yaml.safe_load((work / f"{name}.sax.yaml").read_text())
    expected = json.loads((work / f"{name}.matrix.json").read_text())
    m = np.array(expected["re"]) + 1j * np.array(expected["im"])
    circuit, _ = sax.circuit(netlist=netlist, models=MODELS)
    err = max_error(name, circuit(), expected, m)
    # The comparison must be able to fail: a 1 mrad change of one θ is seen.
    mzi_name = next(
        (n for n, i in netlist["instances"].items() if i["component"] in ("mzi", "mzi3", "mzi_crossing")),
        None,
    )
    if mzi_name is not None:
        theta = netlist["instances"][mzi_name]["settings"]["theta"]
        perturbed = circuit(**{mzi_name: {"theta": theta + 1e-3}})
        if max_error(name, perturbed, expected, m) <= TOL:
            fail(f"{name}: perturbing {mzi_name}.theta went unnoticed; the check is vacuous")
    if not err <= TOL:
        fail(f"{name}: SAX S-matrix differs from `optc simulate --matrix` by {err:.3e} > {TOL}")
    print(f"  sax        {name}: {m.shape[0]}x{m.shape[1]}, max |S_sax - S_optc| = {err:.2e} ({time.time() - t0:.1f} s)")


def check_flat(work: Path, name: str):
    """The flat export simulates to the same matrix as the compact netlist,
    and every MZI of a cell instance became an instance of its own."""
    compact = yaml.safe_load((work / f"{name}.netlist.yaml").read_text())
    flat = yaml.safe_load((work / f"{name}.flat.netlist.yaml").read_text())
    phases = yaml.safe_load((work / f"{name}.flat.phases.yaml").read_text())
    a = json.loads((work / f"{name}.matrix.json").read_text())
    b = json.loads((work / f"{name}.flat.matrix.json").read_text())
    diff = np.max(np.abs((np.array(a["re"]) + 1j * np.array(a["im"])) - (np.array(b["re"]) + 1j * np.array(b["im"]))))
    if a["rows"] != b["rows"] or a["columns"] != b["columns"] or not diff <= 1e-14:
        fail(f"{name}: the flat export simulates to another matrix (max difference {diff:.2e})")
    if "cells" in flat:
        fail(f"{name}: the flat export still has cells")
    cells = compact.get("cells", {})
    expected = 0
    for inst in compact["instances"].values():
        cell = cells.get(inst["component"])
        expected += cell["modes"] * (cell["modes"] - 1) // 2 if cell else 1
    if len(flat["instances"]) != expected:
        fail(f"{name}: the flat export has {len(flat['instances'])} instances, expected {expected}")
    for inst, s in phases["settings"].items():
        if not all(isinstance(v, (int, float)) for v in s.values()):
            fail(f"{name}: yaml.safe_load reads a non-number in the flat phase file at {inst}: {s}")
    print(f"  flat       {name}: {len(compact['instances'])} instances -> {expected}, same matrix")


def check_gdsfactory(work: Path, name: str):
    import gdsfactory as gf

    t0 = time.time()
    gf.gpdk.PDK.activate()
    # optc writes meshes as cell instances; gdsfactory builds the flat form.
    ours = yaml.safe_load((work / f"{name}.flat.netlist.yaml").read_text())
    exported = yaml.safe_load((work / f"{name}.gf.yaml").read_text())
    component = gf.read.from_yaml(work / f"{name}.gf.yaml")
    insts = list(component.insts)
    kinds = [i["component"] for i in ours["instances"].values()]
    # A fault-tolerant MZI is two generic-PDK cells: mmi2x2 + MZI, MZI + crossing45.
    extra = {"mzi3": "mmi2x2", "mzi_crossing": "crossing45"}
    expected = len(kinds) + sum(k in extra for k in kinds)
    if len(insts) != expected:
        fail(f"{name}: gdsfactory built {len(insts)} instances, expected {expected} for the netlist's {len(kinds)}")
    for kind, cell in extra.items():
        built = sum(getattr(i.cell, "function_name", None) == cell for i in insts)
        if built != kinds.count(kind):
            fail(f"{name}: {built} {cell} cells in the layout, {kinds.count(kind)} {kind} in the netlist")
    mzis = [n for n, i in ours["instances"].items() if i["component"] in ("mzi", "mzi3", "mzi_crossing")]
    # mzi2x2_2x2 is gdsfactory's `mzi` cell with 2x2 couplers: 4 optical ports.
    built_mzis = [
        i
        for i in insts
        if getattr(i.cell, "function_name", None) == "mzi"
        and sum(p.port_type == "optical" for p in i.cell.ports) == 4
    ]
    if len(built_mzis) != len(mzis):
        fail(f"{name}: {len(built_mzis)} mzi2x2_2x2 cells in the layout, {len(mzis)} MZIs in the netlist")
    for inst_name, inst in exported["instances"].items():
        if inst["component"] == "mzi2x2_2x2" and "theta" not in inst.get("info", {}):
            fail(f"{name}: instance {inst_name} lost its θ in the export")
    gds = work / f"{name}.gds"
    component.write_gds(gds)
    # Read the GDS back with KLayout's own reader (not gdsfactory's cache).
    import klayout.db as kdb

    layout = kdb.Layout()
    layout.read(str(gds))
    tops = [c for c in layout.top_cells() if c.name == component.name]
    if len(tops) != 1:
        fail(f"{name}: the GDS has no top cell named {component.name}")
    back = tops[0].child_instances()
    if back != len(insts):
        fail(f"{name}: the GDS read back has {back} instances, expected {len(insts)}")
    print(
        f"  gdsfactory {name}: {len(insts)} instances ({len(built_mzis)} mzi2x2_2x2), "
        f"{gds.name} {gds.stat().st_size} bytes ({time.time() - t0:.1f} s)"
    )


def main():
    args = sys.argv[1:]
    work = Path(args[0])
    names = args[1:]
    if not names:
        fail("no networks given")
    check_model_convention()
    for name in names:
        check_sax(work, name)
    for name in names:
        check_flat(work, name)
    for name in names:
        check_gdsfactory(work, name)
    print(f"interop OK: {len(names)} networks ({', '.join(names)}) agree with SAX and build in gdsfactory")


if __name__ == "__main__":
    main()
