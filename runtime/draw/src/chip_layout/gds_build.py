"""Draws an optc layout plan with gdsfactory's generic PDK (spec/layout.md).

    python gds_build.py PLAN.json OUT.gds

Embedded in the optc binary and run by `optc layout`; needs gdsfactory 9.45
(tests/interop/venv.sh). Builds every cell from generic-PDK parts, checks
that each cell's ports and heater via stacks land where the plan says,
draws the routes (Euler corners), wires, pads and vias, then checks the
drawn geometry: no two waveguide shapes overlap, every heater net is one
connected M3 island with its pad and no two nets touch, the ground is one
M2 net. Prints the built figures as YAML on stdout; any failure exits 1
with the reason on stderr and writes nothing.
"""

import json
import sys
import time

try:
    import gdsfactory as gf
    import klayout.db as kdb
    import numpy as np
except ImportError as e:  # pragma: no cover - the message is the point
    sys.exit(f"gdsfactory is not importable here ({e}); run optc layout with "
             "--python $(tests/interop/venv.sh)/bin/python")

UM = 1e-3  # plan coordinates are nm
MODE_PITCH = 40.0
LEAD, HEATER, GAP = 20.0, 100.0, 0.236
COUPLER_DX, COUPLER_LENGTH = 40.0, 20.0
SECTION = LEAD + HEATER + LEAD
COUPLER = 2 * COUPLER_DX + COUPLER_LENGTH
MZI_LENGTH = 2 * SECTION + 2 * COUPLER
BEND_RADIUS = 10.0
# crossing45's port spacing parameter that puts its ports one mode pitch
# apart, and the resulting west-to-east length (cells.rs).
CROSSING_SPACING = 48.5675
CROSSING_LENGTH = 100.686
STUB = 10.0


class LayoutCheckError(Exception):
    pass


def fail(why):
    raise LayoutCheckError(why)


def chain(c, parts, start):
    """Places components one after another from `start` (x, y), o1 → o2."""
    refs = []
    prev = None
    for comp in parts:
        r = c.add_ref(comp)
        if prev is None:
            r.move((start[0] - r.ports["o1"].center[0], start[1] - r.ports["o1"].center[1]))
        else:
            r.connect("o1", prev.ports["o2"])
        refs.append(r)
        prev = r
    return refs


def heater_section(c, y):
    lead = gf.components.straight(length=LEAD)
    refs = chain(c, [lead, gf.components.straight_heater_metal(length=HEATER), lead], (0, y))
    return refs


@gf.cell
def optc_heater() -> gf.Component:
    c = gf.Component()
    refs = heater_section(c, 0.0)
    c.add_port("o1", port=refs[0].ports["o1"])
    c.add_port("o2", port=refs[-1].ports["o2"])
    return c


@gf.cell
def optc_mzi() -> gf.Component:
    """φ heater on the top input arm, coupler, θ heater on the top arm, coupler."""
    c = gf.Component()
    coupler = gf.components.coupler(gap=GAP, length=COUPLER_LENGTH, dx=COUPLER_DX, dy=MODE_PITCH)
    lead = gf.components.straight(length=LEAD)
    heater = gf.components.straight_heater_metal(length=HEATER)
    plain = gf.components.straight(length=SECTION)
    top_in = chain(c, [lead, heater, lead], (0, MODE_PITCH))
    bot_in = chain(c, [plain], (0, 0))
    c1 = c.add_ref(coupler)
    c1.connect("o2", top_in[-1].ports["o2"])
    top_mid = chain(c, [lead, heater, lead], tuple(c1.ports["o3"].center))
    bot_mid = chain(c, [plain], tuple(c1.ports["o4"].center))
    c2 = c.add_ref(coupler)
    c2.connect("o2", top_mid[-1].ports["o2"])
    if abs(c2.ports["o1"].center[1] - bot_mid[-1].ports["o2"].center[1]) > 1e-3:
        fail("the MZI's arms do not meet its second coupler")
    c.add_port("o1", port=bot_in[0].ports["o1"])
    c.add_port("o2", port=top_in[0].ports["o1"])
    c.add_port("o3", port=c2.ports["o3"])
    c.add_port("o4", port=c2.ports["o4"])
    return c


@gf.cell
def optc_mzi3() -> gf.Component:
    """The 3-splitter MZI: a coupler, then optc_mzi (φ between two couplers)."""
    c = gf.Component()
    c0 = c.add_ref(gf.components.coupler(gap=GAP, length=COUPLER_LENGTH, dx=COUPLER_DX, dy=MODE_PITCH))
    c0.move((-c0.ports["o1"].center[0], -c0.ports["o1"].center[1]))
    m = c.add_ref(optc_mzi())
    m.move(tuple(c0.ports["o4"].center))
    if not near(tuple(m.ports["o2"].center), tuple(c0.ports["o3"].center)):
        fail("the 3-splitter MZI's first coupler does not meet its MZI")
    for mine, (ref, theirs) in (("o1", (c0, "o1")), ("o2", (c0, "o2")), ("o3", (m, "o3")), ("o4", (m, "o4"))):
        c.add_port(mine, port=ref.ports[theirs])
    return c


@gf.cell
def optc_mzi_crossing() -> gf.Component:
    """The MZI + crossing: optc_mzi, then optc_crossing on its outputs, so the
    top output (o3) carries the MZI's lower one."""
    c = gf.Component()
    m = c.add_ref(optc_mzi())
    x = c.add_ref(optc_crossing())
    x.move(tuple(m.ports["o4"].center))
    if not near(tuple(x.ports["o2"].center), tuple(m.ports["o3"].center)):
        fail("the MZI + crossing's crossing does not meet its MZI")
    for mine, (ref, theirs) in (("o1", (m, "o1")), ("o2", (m, "o2")), ("o3", (x, "o3")), ("o4", (x, "o4"))):
        c.add_port(mine, port=ref.ports[theirs])
    return c


def lower_path(c, couplers):
    """A lower MZI waveguide with this many couplers' S-bends: heater-length
    straights between them, as optc_mzi (one more coupler first for mzi3)."""
    dy = (MODE_PITCH - GAP - 0.5) / 2
    up = gf.components.bend_s(size=(COUPLER_DX, dy))
    down = gf.components.bend_s(size=(COUPLER_DX, -dy))
    mid = gf.components.straight(length=COUPLER_LENGTH)
    plain = gf.components.straight(length=SECTION)
    parts = [up, mid, down] * (couplers - 2) + [plain, up, mid, down, plain, up, mid, down]
    refs = chain(c, parts, (0, 0))
    c.add_port("o1", port=refs[0].ports["o1"])
    c.add_port("o2", port=refs[-1].ports["o2"])
    return c


@gf.cell
def optc_mzi_delay() -> gf.Component:
    """The MZI's lower waveguide alone: same S-bends, same length."""
    return lower_path(gf.Component(), 2)


@gf.cell
def optc_mzi3_delay() -> gf.Component:
    """The 3-splitter MZI's lower waveguide alone."""
    return lower_path(gf.Component(), 3)


@gf.cell
def optc_straight(length: float) -> gf.Component:
    c = gf.Component()
    r = c.add_ref(gf.components.straight(length=length))
    c.add_port("o1", port=r.ports["o1"])
    c.add_port("o2", port=r.ports["o2"])
    return c


@gf.cell
def optc_crossing() -> gf.Component:
    """Two neighbouring modes exchanged: gdsfactory's crossing45, its west
    ports o1 (lower) and o2, its east ports o3 (upper) and o4."""
    c = gf.Component()
    x = c.add_ref(gf.components.crossing45(port_spacing=CROSSING_SPACING))
    # crossing45 names west-lower o2, west-upper o4, east-upper o3, east-lower o1.
    x.move((-x.ports["o2"].center[0], -x.ports["o2"].center[1]))
    for mine, theirs in (("o1", "o2"), ("o2", "o4"), ("o3", "o3"), ("o4", "o1")):
        c.add_port(mine, port=x.ports[theirs])
    return c


@gf.cell
def optc_bend(up: bool) -> gf.Component:
    """One mode moved to its neighbour (`up`: the one above) by an S-bend
    as long as a crossing."""
    c = gf.Component()
    r = c.add_ref(gf.components.bend_s(size=(CROSSING_LENGTH, MODE_PITCH if up else -MODE_PITCH)))
    if not up:
        r.move((0, MODE_PITCH))
    c.add_port("o1", port=r.ports["o1"])
    c.add_port("o2", port=r.ports["o2"])
    return c


@gf.cell
def optc_placeholder(kind: str, west: tuple, east: tuple, height: int, heater: bool) -> gf.Component:
    """A labelled box for a component with no generic-PDK cell. `west` and
    `east` are its ports' modes counted up from its bottom mode. Light that
    runs straight through (the same modes both sides) gets one straight per
    mode and its heater if programmable; otherwise each port is a stub."""
    c = gf.Component()
    west, east = sorted(west), sorted(east)
    if west == east:
        for j in west:
            y = j * MODE_PITCH
            if heater and j == height - 1:
                refs = heater_section(c, y)
            else:
                refs = chain(c, [gf.components.straight(length=SECTION)], (0, y))
            c.add_port(f"o{west.index(j) + 1}", port=refs[0].ports["o1"])
            c.add_port(f"o{2 * len(west) - west.index(j)}", port=refs[-1].ports["o2"])
    else:
        stub = gf.components.straight(length=STUB)
        # gdsfactory numbering: west o1 (lowest) upwards, then east from the top.
        for k, j in enumerate(west):
            r = chain(c, [stub], (0, j * MODE_PITCH))[0]
            c.add_port(f"o{k + 1}", port=r.ports["o1"])
        for k, j in enumerate(sorted(east, reverse=True)):
            r = chain(c, [stub], (SECTION - STUB, j * MODE_PITCH))[0]
            c.add_port(f"o{len(west) + 1 + k}", port=r.ports["o2"])
    top = (height - 1) * MODE_PITCH
    c.add_polygon([(0, -15), (SECTION, -15), (SECTION, top + 15), (0, top + 15)], layer="FLOORPLAN")
    label = c.add_ref(gf.components.text(text=f"{kind} (placeholder)", size=6, layer="TEXT"))
    label.move((2, top + 8))
    return c


def offsets(inst, side):
    return tuple(inst["span"][1] - r for r in inst[side])


def cell_for(inst):
    kind = inst["cell"]
    if kind == "optc_mzi":
        return optc_mzi()
    if kind == "optc_heater":
        return optc_heater()
    if kind == "optc_mzi_delay":
        return optc_mzi_delay()
    if kind == "optc_mzi3":
        return optc_mzi3()
    if kind == "optc_mzi_crossing":
        return optc_mzi_crossing()
    if kind == "optc_mzi3_delay":
        return optc_mzi3_delay()
    if kind == "optc_straight":
        return optc_straight(length=inst["length"] * UM)
    if kind == "optc_crossing":
        return optc_crossing()
    if kind == "optc_bend":
        return optc_bend(up=inst["east"][0] < inst["west"][0])
    return optc_placeholder(
        kind=inst["kind"] or "?",
        west=offsets(inst, "west"),
        east=offsets(inst, "east"),
        height=inst["span"][1] - inst["span"][0] + 1,
        heater=bool(inst["heaters"]),
    )


def near(a, b, tol=1e-3):
    return abs(a[0] - b[0]) <= tol and abs(a[1] - b[1]) <= tol


def expected_ports(inst):
    """Where the plan puts each port of an instance (cells.rs port_name)."""
    x, y = inst["origin"][0] * UM, inst["origin"][1] * UM
    bottom, w = inst["span"][1], len(inst["west"])
    ports = {}
    for j, r in enumerate(inst["west"]):
        ports[f"o{w - j}"] = (x, y + (bottom - r) * MODE_PITCH)
    for j, r in enumerate(inst["east"]):
        ports[f"o{w + 1 + j}"] = (x + inst["length"] * UM, y + (bottom - r) * MODE_PITCH)
    return ports


def region(top, layer):
    li = top.kcl.layer(*layer)
    return kdb.Region(top.kdb_cell.begin_shapes_rec(li))


_built = 0


def build(plan):
    """The checked top component of a plan and its route length (µm)."""
    gf.gpdk.PDK.activate()
    global _built
    _built += 1
    # A second build in one process (the interop check) needs its own name.
    top = gf.Component(name=plan["name"] if _built == 1 else f"{plan['name']}_{_built}")
    refs = {}
    for inst in plan["instances"]:
        r = top.add_ref(cell_for(inst), name=inst["name"])
        r.move((inst["origin"][0] * UM, inst["origin"][1] * UM))
        for name, at in expected_ports(inst).items():
            if name not in r.ports or not near(tuple(r.ports[name].center), at):
                fail(f"instance `{inst['name']}`: port {name} is not at {at}")
        refs[inst["name"]] = r
    ec = gf.components.edge_coupler_silicon()
    for e in plan["couplers"]:
        # Tip (o2) on the chip edge at x = 0, o1 facing the chip.
        r = top.add_ref(ec, name=e["name"])
        r.rotate(180)
        r.move((ec.xsize, e["y"] * UM))
        if not near(tuple(r.ports["o1"].center), (ec.xsize, e["y"] * UM)):
            fail(f"edge coupler `{e['name']}` is not where the plan put it")
        refs[e["name"]] = r
    length = 0.0
    for route in plan["routes"]:
        pts = np.array(route["points"], dtype=float) * UM
        path = gf.path.Path(pts) if len(pts) == 2 else gf.path.smooth(points=pts, radius=BEND_RADIUS, bend=gf.path.euler)
        length += path.length()
        wg = gf.path.extrude(path, cross_section="strip")
        top.add_ref(wg, name=route["name"])
    for wire in plan["wires"]:
        layer = "M3" if wire["layer"] == "M3" else "M2"
        h = wire["width"] * UM / 2
        for (x0, y0), (x1, y1) in zip(wire["points"], wire["points"][1:]):
            xa, xb = sorted((x0 * UM, x1 * UM))
            ya, yb = sorted((y0 * UM, y1 * UM))
            top.add_polygon([(xa - h, ya - h), (xb + h, ya - h), (xb + h, yb + h), (xa - h, yb + h)], layer=layer)
    pad = gf.components.pad(size=(80, 80))
    for p in plan["pads"]:
        r = top.add_ref(pad, name=p["name"])
        r.move((p["center"][0] * UM, p["center"][1] * UM))
    for v in plan["vias"]:
        s = v["size"] * UM
        r = top.add_ref(gf.components.via_stack(size=(s, s)))
        r.move((v["center"][0] * UM, v["center"][1] * UM))
    x0, y0 = plan["outline"][0]
    x1, y1 = plan["outline"][1]
    top.add_polygon([(x0 * UM, y0 * UM), (x1 * UM, y0 * UM), (x1 * UM, y1 * UM), (x0 * UM, y1 * UM)], layer="FLOORPLAN")

    # Heater via stacks where the plan wired them (their VIA1 layer).
    dots = kdb.Region()
    for inst in plan["instances"]:
        for h in inst["heaters"]:
            for key in ("signal", "ground"):
                x, y = h[key]
                dots.insert(kdb.Box(x - 1, y - 1, x + 1, y + 1))
    missing = dots.not_interacting(region(top, (44, 0)))
    if not missing.is_empty():
        b = missing.bbox()
        fail(f"no heater via stack at ({b.center().x * UM}, {b.center().y * UM}) µm")

    # Waveguides: the drawn shapes of different instances never overlap.
    wg = (1, 0)
    total = region(top, wg).merged()
    parts = 0.0
    li = top.kcl.layer(*wg)
    for inst in top.kdb_cell.each_inst():
        cell = top.kcl[inst.cell_index]
        parts += kdb.Region(cell.begin_shapes_rec(li)).merged().area() * max(inst.size(), 1)
    dbu2 = top.kcl.dbu ** 2
    overlap = (parts - total.area()) * dbu2
    if overlap > 1.0:  # µm²: abutting ends are exact, overlaps are not
        fail(f"waveguides overlap: {overlap:.1f} µm² drawn twice")

    # Metal: signal nets are M3 islands, one per heater pad; ground via
    # stacks and ground pads are M3 islands of their own; on M2 each signal
    # via stack is an island and everything else is one ground net.
    heaters = [h for i in plan["instances"] for h in i["heaters"]]
    gnd_pads = sum(1 for p in plan["pads"] if p["setting"] is None)
    m3 = region(top, (49, 0)).merged().count()
    want3 = len(heaters) + len(heaters) + gnd_pads
    if m3 != want3:
        fail(f"M3 has {m3} connected shapes, the plan's nets make {want3} (a short or an open)")
    m2 = region(top, (45, 0)).merged().count()
    want2 = len(heaters) + (1 if heaters else 0)
    if m2 != want2:
        fail(f"M2 has {m2} connected shapes, the plan's nets make {want2} (a short or an open)")

    return top, length


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gds_build.py PLAN.json OUT.gds")
    start = time.perf_counter()
    plan = json.load(open(sys.argv[1]))
    top, length = build(plan)
    top.write_gds(sys.argv[2])
    bbox = top.dbbox()
    print(f"chip_width_um: {bbox.width():.3f}")
    print(f"chip_height_um: {bbox.height():.3f}")
    print(f"waveguide_length_um: {length:.3f}")
    print(f"cells: {len(plan['instances'])}")
    print(f"pads: {len(plan['pads'])}")
    print(f"build_seconds: {time.perf_counter() - start:.2f}")


if __name__ == "__main__":
    try:
        main()
    except LayoutCheckError as e:
        sys.stderr.write(f"layout check failed: {e}\n")
        sys.exit(1)
