"""The Python API against the Rust compiler and runtime: compile, matrix
round trip, the reducer contract, save/load, located errors."""

import subprocess
from pathlib import Path

import numpy as np
import pytest

import optc

REPO_DEVICE = Path(__file__).resolve().parents[2] / "examples" / "data" / "realistic.yaml"


def contract(codes: np.ndarray) -> np.ndarray:
    """The reducer contract (spec/reducer.md): round_half_to_even(sum / N), exact on integers."""
    n = codes.shape[1]
    s = codes.sum(axis=1).astype(np.int64)
    q, rem = np.divmod(s, n)  # floor division, 0 <= rem < n
    twice = 2 * rem
    up = (twice > n) | ((twice == n) & (q % 2 == 1))
    return q + up.astype(np.int64)


def test_contract_helper_ties_to_even():
    codes = np.array([[1, 0], [3, 0], [-1, 0], [-3, 0], [5, 0], [2, 1]])
    # 0.5→0, 1.5→2, -0.5→0, -1.5→-2, 2.5→2, 1.5→2
    assert contract(codes).tolist() == [0, 2, 0, -2, 2, 2]


def test_compile_example_reducer(reducer_4x4b):
    c = reducer_4x4b
    assert c.name == "optinc_4x4b"
    assert (c.servers, c.bits) == (4, 4)
    assert c.netlist["name"] == "optinc_4x4b"
    assert c.netlist["reducer"]["servers"] == 4
    assert c.phases["netlist"]["name"] == "optinc_4x4b"
    assert c.report["kind"] == "reducer"
    assert c.report["mzi_count"] == sum(
        1 for inst in c.netlist["instances"].values() if inst["component"] == "mzi"
    )


def test_reduce_matches_contract_on_random_codes(reducer_4x4b):
    """The default chip: the phase file's nominal device, as `optc reduce`."""
    red = reducer_4x4b.reducer()
    rng = np.random.default_rng(20261124)
    q = red.max_code
    codes = rng.integers(-q, q + 1, size=(20000, 4))
    out = red.reduce(codes)
    assert out.shape == (20000,) and out.dtype == np.int64
    np.testing.assert_array_equal(out, contract(codes))


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32])
def test_reduce_into_reads_and_writes_in_place(reducer_4x4b, reducer_4x8b, dtype):
    """The zero-copy path equals `reduce` and counts contract mismatches."""
    rng = np.random.default_rng(7)
    for circuit in (reducer_4x4b, reducer_4x8b):
        red = circuit.reducer()
        q = red.max_code
        codes = rng.integers(-q, q + 1, size=(30001, 4)).astype(dtype)
        out = np.full(30001, 99, dtype=dtype)
        assert red.reduce_into(codes, out) == 0
        np.testing.assert_array_equal(out, contract(codes.astype(np.int64)))
        np.testing.assert_array_equal(out, red.reduce(codes))
        sums = np.empty(30001, dtype=np.int32)
        assert red.reduce_into(codes, out, sums=sums) == 0
        np.testing.assert_array_equal(sums, codes.astype(np.int64).sum(axis=1))
    # A sampled realistic chip with detector noise: its mismatches are
    # counted exactly as a comparison with the contract counts them.
    noisy = reducer_4x4b.reducer(REPO_DEVICE, seed=3)
    codes = rng.integers(-7, 8, size=(50000, 4)).astype(dtype)
    out = np.empty(50000, dtype=dtype)
    mismatches = noisy.reduce_into(codes, out, noise_seed=11)
    assert mismatches == int(np.count_nonzero(out != contract(codes.astype(np.int64))))
    np.testing.assert_array_equal(out, noisy.reduce(codes, noise_seed=11))
    assert noisy.reduce_into(codes, out, noise_seed=11, count_mismatches=False) == 0


def test_reduce_into_rejects_bad_buffers(reducer_4x4b):
    red = reducer_4x4b.reducer()
    codes = np.zeros((10, 4), dtype=np.int8)
    out = np.zeros(10, dtype=np.int8)
    cases = [
        (codes.astype(np.float32), out, "int8, int16 or int32"),
        (codes.astype(np.int64), out, "int8, int16 or int32"),
        (codes, out.astype(np.int16), "writable i8 array like codes"),
        (np.zeros((10, 3), dtype=np.int8), out, r"shape \(elements, 4\)"),
        (codes, np.zeros(9, dtype=np.int8), "out must hold 10 codes"),
        (np.zeros((4, 10), dtype=np.int8).T, out, "C-contiguous"),
        (np.full((10, 4), 8, dtype=np.int8), out, r"element 0, server 0: code 8 outside \[-7, 7\]"),
    ]
    for c, o, message in cases:
        with pytest.raises(optc.RunError, match=message):
            red.reduce_into(c, o)
    with pytest.raises(optc.RunError, match="sums must be a writable C-contiguous int32"):
        red.reduce_into(codes, out, sums=np.zeros(10, dtype=np.int64))
    with pytest.raises(optc.RunError, match="sums must hold 10 int32"):
        red.reduce_into(codes, out, sums=np.zeros(11, dtype=np.int32))
    wide = optc.compile(REPO_DEVICE.parents[1] / "optinc_4x16b.optc").reducer()
    with pytest.raises(optc.RunError, match="16-bit codes do not fit 1-byte integers"):
        wide.reduce_into(codes, out)
    frozen = out.copy()
    frozen.flags.writeable = False
    with pytest.raises(optc.RunError, match="writable|read-only"):
        red.reduce_into(codes, frozen)


def test_reduce_matches_contract_on_every_input(reducer_4x4b, nominal_chip):
    """All 15^4 = 50625 code vectors of 4 servers, 4 bits."""
    axis = np.arange(-7, 8)
    codes = np.stack(np.meshgrid(axis, axis, axis, axis, indexing="ij"), axis=-1).reshape(-1, 4)
    red = reducer_4x4b.reducer(nominal_chip, nominal=True)
    np.testing.assert_array_equal(red.reduce(codes), contract(codes))


def test_reduce_every_sum_including_extremes(reducer_4x4b, nominal_chip):
    q = 7
    # One row per sum S in [-4Q, 4Q]: a representative with that sum.
    rows = []
    for s in range(-4 * q, 4 * q + 1):
        row, left = [], s
        for _ in range(4):
            v = max(-q, min(q, left))  # greedy: the first servers take what they can
            row.append(v)
            left -= v
        assert sum(row) == s
        rows.append(row)
    codes = np.array(rows)
    red = reducer_4x4b.reducer(nominal_chip, nominal=True)
    np.testing.assert_array_equal(red.reduce(codes), contract(codes))
    np.testing.assert_array_equal(red.reduce(codes, exact=True), contract(codes))


def test_reduce_matches_cli(reducer_4x4b, tmp_path, optc_bin):
    """The same codes through `optc reduce` and through the package."""
    reducer_4x4b.save(tmp_path)
    rng = np.random.default_rng(3)
    codes = rng.integers(-7, 8, size=(64, 4))
    csv = tmp_path / "codes.csv"
    np.savetxt(csv, codes, fmt="%d", delimiter=",")
    out = subprocess.run(
        [str(optc_bin), "reduce", str(tmp_path / "optinc_4x4b.netlist.yaml"), "--codes", str(csv)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    cli = np.array([int(v) for v in out.split()])
    np.testing.assert_array_equal(reducer_4x4b.reduce(codes), cli)


def test_noisy_device_is_reproducible(reducer_4x4b, repo):
    device = {"detector_noise": 0.05, "phase_error_rad": 0.02}
    rng = np.random.default_rng(9)
    codes = rng.integers(-7, 8, size=(5000, 4))
    a = reducer_4x4b.reducer(device, seed=1)
    b = reducer_4x4b.reducer(device, seed=1)
    ra, rb = a.reduce(codes, noise_seed=5), b.reduce(codes, noise_seed=5)
    np.testing.assert_array_equal(ra, rb)
    exact = (ra == contract(codes)).mean()
    assert 0.5 < exact < 1.0, exact  # the noise is real but the reducer still mostly works
    assert not np.array_equal(a.reduce(codes, noise_seed=6), ra)
    # A device file works the same as its dict.
    f = reducer_4x4b.reducer(repo / "examples" / "data" / "realistic.yaml", seed=1)
    assert f.reduce(codes).shape == (5000,)


def test_haar_unitary_round_trip_through_matrix(repo):
    u = np.load(repo / "examples" / "data" / "haar8.npy")
    c = optc.compile(repo / "examples" / "data" / "haar8.npy")
    m = c.matrix()
    assert m.shape == (8, 8) and m.dtype == np.complex128
    assert np.max(np.abs(m - u)) < 1e-10
    np.testing.assert_allclose(m.conj().T @ m, np.eye(8), atol=1e-12)


def test_simulate_is_matrix_product_and_device_changes_it(repo):
    c = optc.compile(repo / "examples" / "linear_inline.optc")
    rng = np.random.default_rng(1)
    fields = rng.normal(size=(5, 4)) + 1j * rng.normal(size=(5, 4))
    out = c.simulate(fields)
    np.testing.assert_allclose(out, fields @ c.matrix().T, atol=1e-12)
    np.testing.assert_allclose(c.simulate(fields[0]), out[0], atol=1e-12)
    lossy = c.simulate(fields, device={"mzi_loss_db": 0.5}, seed=2)
    assert np.linalg.norm(lossy) < np.linalg.norm(out)


def test_compile_source_text_and_save_load_round_trip(tmp_path, repo):
    src = (repo / "examples" / "linear_inline.optc").read_text()
    c = optc.compile(src)
    paths = c.save(tmp_path / "out")
    assert [p.name for p in paths] == ["dft4.netlist.yaml", "dft4.phases.yaml", "dft4.report.yaml"]
    back = optc.load(tmp_path / "out" / "dft4.netlist.yaml")
    assert back.netlist == c.netlist and back.phases == c.phases and back.report == c.report
    np.testing.assert_array_equal(back.matrix(), c.matrix())


def test_compile_error_carries_location(tmp_path):
    bad = tmp_path / "bad.optc"
    bad.write_text("linear w {\n  matrix = [[1, 0], [0, 1]]\n  realize = nonsense\n}\n")
    with pytest.raises(optc.CompileError) as info:
        optc.compile(bad)
    msg = str(info.value)
    assert f"{bad}:3:" in msg, msg
    assert isinstance(info.value, optc.OptcError)


def test_compile_error_same_as_cli(repo, optc_bin):
    bad = repo / "tests" / "bad" / "expected_equals.optc"
    with pytest.raises(optc.CompileError) as info:
        optc.compile(bad)
    cli = subprocess.run([str(optc_bin), "check", str(bad)], capture_output=True, text=True)
    assert cli.returncode != 0
    assert str(info.value).strip() in cli.stderr


def test_source_text_errors_name_source():
    with pytest.raises(optc.CompileError, match=r"<source>:2:\d+"):
        optc.compile("linear w {\n  matrix = oops oops\n}\n")


def test_netlist_errors_carry_file_and_line(tmp_path, repo):
    c = optc.compile(repo / "examples" / "linear_inline.optc")
    c.save(tmp_path)
    net = tmp_path / "dft4.netlist.yaml"
    lines = net.read_text().splitlines()
    # The first instance (the mesh is one instance of the cell `clements4`).
    i = next(k for k, l in enumerate(lines) if "component:" in l)
    lines[i] = lines[i].split("component:")[0] + "component: warp_drive"
    net.write_text("\n".join(lines) + "\n")
    with pytest.raises(optc.FormatError) as info:
        optc.load(net)
    # Located at the instance's own line, just above its `component:` line.
    assert str(info.value).startswith(f"{net}:{i}: instance `"), str(info.value)


def test_matrix_of_reducer_is_an_error(reducer_4x4b):
    with pytest.raises(optc.RunError, match="not linear|linear"):
        reducer_4x4b.matrix()


def test_reduce_rejects_bad_codes(reducer_4x4b):
    with pytest.raises(optc.RunError, match="outside"):
        reducer_4x4b.reduce(np.array([[8, 0, 0, 0]]))
    with pytest.raises(optc.RunError, match="shape"):
        reducer_4x4b.reduce(np.zeros((3, 5), dtype=np.int64))
    with pytest.raises(optc.RunError, match="integer"):
        reducer_4x4b.reduce(np.zeros((3, 4)))


def test_device_errors_are_located(reducer_4x4b):
    with pytest.raises(optc.FormatError, match="coupler_error"):
        reducer_4x4b.reducer({"coupler_error": 3.0})


def test_several_networks_need_a_name(tmp_path, repo):
    src = (repo / "examples" / "linear_inline.optc").read_text()
    two = src + "\n" + src.replace("linear dft4", "linear dft4b")
    with pytest.raises(optc.CompileError, match="network=NAME"):
        optc.compile(two)
    assert optc.compile(two, network="dft4b").name == "dft4b"
    assert list(optc.compile_all(two)) == ["dft4", "dft4b"]


def test_design_errors_are_located_like_the_cli(repo, optc_bin, tmp_path):
    bad = repo / "tests" / "bad_design" / "linear_reduce_sum.optc"
    with pytest.raises(optc.CompileError) as info:
        optc.compile(bad)
    cli = subprocess.run(
        [str(optc_bin), "compile", str(bad), "-o", str(tmp_path)], capture_output=True, text=True
    )
    assert cli.returncode != 0
    assert f"{bad}:2:9" in str(info.value)
    assert str(info.value).strip() in cli.stderr
    # The same source as text: located in `<source>`.
    with pytest.raises(optc.CompileError, match=r"<source>:2:9"):
        optc.compile(bad.read_text())


def test_digit_serial_reducer_over_pam4_matches_contract(repo, optc_bin, tmp_path):
    """optinc_4x8b: 8-bit codes as 4 PAM4 digits, reduced digit-serially;
    the nominal chip is exact, the same as `optc reduce`, extremes and ties
    included, and a realistic chip runs too."""
    c = optc.compile(repo / "examples" / "optinc_4x8b.optc")
    assert (c.servers, c.bits) == (4, 8)
    assert c.netlist["digit_serial"]["link"] == "pam4"
    assert c.report["reducer"]["realization"] == "digit_serial"
    red = c.reducer()
    rng = np.random.default_rng(48)
    q = red.max_code
    assert q == 127
    codes = rng.integers(-q, q + 1, size=(20000, 4))
    codes = np.vstack([codes, [[q] * 4, [-q] * 4, [1, 1, 0, 0], [3, 0, 0, -1], [-1, 0, 0, 0]]])
    out = red.reduce(codes)
    np.testing.assert_array_equal(out, contract(codes))
    np.testing.assert_array_equal(red.reduce(codes[:500], exact=True), contract(codes[:500]))
    chip = c.reducer(repo / "examples" / "data" / "realistic.yaml", seed=3)
    assert chip.reduce(codes[:2000]).shape == (2000,)
    # The same as the CLI on the nominal chip.
    c.save(tmp_path)
    csv = tmp_path / "codes.csv"
    np.savetxt(csv, codes[:300], fmt="%d", delimiter=",")
    cli = subprocess.run(
        [str(optc_bin), "reduce", str(tmp_path / "optinc_4x8b.netlist.yaml"), "--codes", str(csv)],
        check=True,
        capture_output=True,
        text=True,
    )
    assert [int(x) for x in cli.stdout.split()] == out[:300].tolist()
