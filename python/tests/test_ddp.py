"""End to end: 4 processes (spawn, gloo, loopback) train with the optical DDP
hook and with the default all-reduce: an MLP on the digits data, and
torchvision's ResNet-50 on generated CIFAR-shaped data."""

import importlib
import math
import sys
import time

import pytest
import torch.distributed as dist

import optc
import optc.torch


def load_example(repo):
    """The example script as a module; on sys.path so spawned workers
    (which inherit the parent's sys.path) can import its worker function."""
    folder = str(repo / "examples" / "python")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("ddp_digits")


def test_optical_hook_trains_like_allreduce(repo, reducer_4x4b):
    example = load_example(repo)
    start = time.perf_counter()
    results = example.run(reducer_4x4b, hooks=("allreduce", "optical"), epochs=30)
    elapsed = time.perf_counter() - start
    by_hook = {r["hook"]: r for r in results}
    base, optical = by_hook["allreduce"], by_hook["optical"]
    print(f"allreduce {base['accuracy']:.2f}%  optical {optical['accuracy']:.2f}%  ({elapsed:.1f} s)")
    assert base["replicas_identical"] and optical["replicas_identical"]
    assert optical["optical_steps"] == optical["steps"] == 30 * (1437 // 64)
    assert base["optical_steps"] == 0
    # On the nominal chip the compiled reducer meets the contract on every element.
    assert optical["exact_match"] == 1.0
    # Quantized averaging is not fp32 averaging: the runs end on different weights.
    assert optical["param_l2"] != base["param_l2"]
    assert base["accuracy"] > 90.0, base
    assert abs(optical["accuracy"] - base["accuracy"]) <= 1.5, (base, optical)
    assert elapsed < 180.0


def test_world_size_mismatch_is_an_error_at_registration(reducer_4x4b, tmp_path):
    # A one-process group against a 4-server reducer.
    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'rdzv'}", rank=0, world_size=1)
    try:
        with pytest.raises(optc.OptcError, match="1 ranks but reducer `optinc_4x4b` takes 4 servers"):
            optc.torch.OpticalState(reducer_4x4b)
    finally:
        dist.destroy_process_group()


def test_state_rejects_a_linear_circuit(repo):
    linear = optc.compile(repo / "examples" / "linear_inline.optc")
    with pytest.raises(optc.OptcError, match="not a reducer"):
        optc.torch.OpticalState(linear)


def test_resnet50_example_trains_with_the_8_bit_hook(repo, reducer_4x8b):
    """torchvision's ResNet-50 on 4 gloo processes, generated CIFAR-shaped
    data: the 8-bit optical hook keeps the replicas bit-identical, meets the
    contract on every element, and starts from the same loss as the
    all-reduce (same weights, same batch)."""
    folder = str(repo / "examples" / "python")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    example = importlib.import_module("ddp_resnet50")
    results = {r["hook"]: r for r in example.run(reducer_4x8b, steps=3, batch=8)}
    base, optical = results["allreduce"], results["optical"]
    assert base["replicas_identical"] and optical["replicas_identical"]
    assert optical["parameters"] == 23_712_932
    assert optical["optical_steps"] == 3 and base["optical_steps"] == 0
    assert optical["exact_match"] == 1.0
    assert optical["losses"][0] == base["losses"][0]
    assert all(math.isfinite(x) for x in optical["losses"] + base["losses"])
    # Three steps at lr 0.001 stay near ln(100) = 4.6 for both.
    assert abs(optical["losses"][-1] - base["losses"][-1]) < 0.5, (base["losses"], optical["losses"])
