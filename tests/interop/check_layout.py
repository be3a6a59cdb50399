"""Layout-versus-netlist check of `optc layout` (spec/layout.md).

    python check_layout.py WORK NAME...

For each NAME, WORK holds NAME.layout.json (the plan `optc layout` drew into
NAME.gds) and NAME.flat.netlist.yaml. The plan is drawn again here with the
same builder, gdsfactory extracts the netlist of the built component
(`Component.get_netlist`, connections found from coinciding ports), and
its connectivity, walked through the routes, delays, crossings and edge
couplers the layout adds, must be optc's netlist connection for connection. Then two
mutations must be caught: one connection of the netlist swapped, and two
MZIs of one column swapped in the plan (a layout that builds cleanly but is
wired wrong).
"""

import copy
import json
import os
import sys
import time

import yaml

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "runtime", "draw", "src", "chip_layout"))
import gds_build  # noqa: E402

THROUGH = ("optc_wg", "optc_delay_", "optc_perm")
# A crossing joins its west-lower port to its east-upper one and vice versa.
CROSSING = {"o1": "o3", "o3": "o1", "o2": "o4", "o4": "o2"}


def port_counts(inst):
    """Input and output ports of a netlist instance (spec/netlist.md)."""
    k = int((inst.get("settings") or {}).get("k", 0))
    fixed = {"mzi": (2, 2), "mzi3": (2, 2), "mzi_crossing": (2, 2), "coupler": (2, 2), "splitter": (1, k), "combiner": (k, 1),
             "source": (0, 1), "terminator": (1, 0)}
    return fixed.get(inst["component"], (1, 1))


def gf_port(inputs, port):
    """optc's inJ / outJ as gdsfactory names it: west ports o1 (lowest)
    upwards, then east ports from the top (inJ is the J-th from the top)."""
    if port.startswith("in"):
        return f"o{inputs - int(port[2:])}"
    return f"o{inputs + 1 + int(port[3:])}"


def expected(netlist):
    inputs = {name: port_counts(inst)[0] for name, inst in netlist["instances"].items()}

    def ep(s):
        inst, port = [t.strip() for t in s.split(",")]
        return f"{inst},{gf_port(inputs[inst], port)}"

    pairs = set()
    for a, b in netlist["connections"].items():
        pairs.add((ep(a), ep(b)))
    for name, target in netlist["ports"].items():
        e = f"optc_ec_{name}"
        pairs.add((e, ep(target)) if name.startswith("in") else (ep(target), e))
    return pairs


def extracted(top, netlist):
    net = top.get_netlist(on_multi_connect="error", on_dangling_port="ignore")
    link = {}
    optical = [n for n in net["nets"] if is_optical(n["p1"]) and is_optical(n["p2"])]
    for n in optical:
        a, b = n["p1"], n["p2"]
        if a in link or b in link:
            raise AssertionError(f"port joined twice: {a} / {b}")
        link[a], link[b] = b, a
    names = set(net["instances"])

    def other_side(port):
        inst, p = port.split(",")
        if net["instances"][inst]["component"].startswith("optc_crossing"):
            return f"{inst},{CROSSING[p]}"
        return f"{inst},{'o2' if p == 'o1' else 'o1'}"

    def walk(port):
        """From a port, through routes, delays and crossings, to the next real port."""
        seen = 0
        while True:
            nxt = link.get(port)
            if nxt is None:
                return None
            inst = nxt.split(",")[0]
            if inst.startswith(THROUGH):
                port = other_side(nxt)
                seen += 1
                if seen > 100000:
                    raise AssertionError("a routing loop")
                continue
            return inst if inst.startswith("optc_ec_") else nxt

    pairs = set()
    for n in optical:
        for a in (n["p1"], n["p2"]):
            inst, p = a.split(",")
            if inst.startswith(THROUGH):
                continue
            # Start from every output side port: a real instance's east ports,
            # and the input edge couplers.
            if inst.startswith("optc_ec_in"):
                pairs.add((inst, walk(a)))
            elif not inst.startswith("optc_ec_") and inst in netlist["instances"]:
                if int(p[1:]) > port_counts(netlist["instances"][inst])[0]:  # east side
                    pairs.add((a, walk(a)))
    return pairs, names


def is_optical(port):
    p = port.split(",")[1]
    return p.startswith("o") and p[1:].isdigit()


def compare(plan, netlist):
    top, _ = gds_build.build(plan)
    got, names = extracted(top, netlist)
    want = expected(netlist)
    missing_inst = set(netlist["instances"]) - names
    if missing_inst:
        return f"instances missing from the layout: {sorted(missing_inst)[:5]}"
    if got != want:
        a = sorted(want - got)[:3]
        b = sorted(got - want)[:3]
        return f"connections differ: netlist only {a}, layout only {b}"
    return None


def swap_netlist(netlist):
    bad = copy.deepcopy(netlist)
    keys = [k for k in bad["connections"]][:2]
    a, b = keys
    bad["connections"][a], bad["connections"][b] = bad["connections"][b], bad["connections"][a]
    return bad


def swap_plan(plan):
    bad = copy.deepcopy(plan)
    mzis = [i for i in bad["instances"] if i["cell"] in ("optc_mzi", "optc_mzi3", "optc_mzi_crossing")]
    for a in mzis:
        for b in mzis:
            if a is not b and a["column"] == b["column"]:
                a["name"], b["name"] = b["name"], a["name"]
                return bad
    raise AssertionError("no column with two MZIs to swap")


def main():
    work, names = sys.argv[1], sys.argv[2:]
    for name in names:
        plan = json.load(open(os.path.join(work, f"{name}.layout.json")))
        netlist = yaml.safe_load(open(os.path.join(work, f"{name}.flat.netlist.yaml")))
        t = time.perf_counter()
        why = compare(plan, netlist)
        if why:
            sys.exit(f"{name}: layout does not match the netlist: {why}")
        n = len(netlist["connections"])
        dt = time.perf_counter() - t
        if compare(plan, swap_netlist(netlist)) is None:
            sys.exit(f"{name}: a swapped netlist connection went unnoticed")
        if compare(swap_plan(plan), netlist) is None:
            sys.exit(f"{name}: two swapped MZIs in the layout went unnoticed")
        print(f"layout {name}: {len(plan['instances'])} cells, {n} connections match the extracted netlist "
              f"(build + extract {dt:.1f} s); swapped connection and swapped MZIs both caught")


if __name__ == "__main__":
    main()
