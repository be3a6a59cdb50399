#!/usr/bin/env python3
"""Data-parallel training of a small MLP on the digits data, with gradients
averaged by a compiled optical reducer (optc.torch) and, for comparison, by
PyTorch's default all-reduce.

    python examples/python/ddp_digits.py                 # 4 processes, gloo, loopback
    python examples/python/ddp_digits.py --epochs 40 --reducer examples/optinc_4x4b.optc

Each process is one "server"; `torch.distributed` (gloo) stands in for the
fibre that would carry each server's codes into the optical switch. The
script prints the test accuracy of both runs and whether the replicas of
each run ended bit-identical.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
from torch.nn.parallel import DistributedDataParallel as DDP

import optc
import optc.torch

REPO = Path(__file__).resolve().parents[2]


def load_digits(path: Path) -> Tuple[np.ndarray, np.ndarray]:
    """64 pixels (0..16) and the label per line (data/digits/README.md)."""
    with gzip.open(path, "rt") as f:
        data = np.loadtxt(f, delimiter=",", dtype=np.int64)
    return data[:, :64].astype(np.float32) / 16.0, data[:, 64]


def split(x: np.ndarray, y: np.ndarray, test: int = 360, seed: int = 0):
    order = np.random.default_rng(seed).permutation(len(y))
    te, tr = order[:test], order[test:]
    return (x[tr], y[tr]), (x[te], y[te])


def make_model() -> nn.Module:
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))


def train(
    rank: int,
    world: int,
    hook: str,
    netlist: str,
    data: Path,
    epochs: int,
    batch: int,
    lr: float,
    seed: int,
    device: Optional[str],
    nominal: bool,
) -> Dict[str, object]:
    """One rank's run; returns its test accuracy and whether all replicas match."""
    (xtr, ytr), (xte, yte) = split(*load_digits(data))
    torch.manual_seed(seed)  # identical initial weights on every rank
    model = DDP(make_model())
    state = None
    if hook == "optical":
        circuit = optc.load(netlist)
        # device None: the nominal chip the phase file was calibrated for.
        # Raises if the world size != the reducer's servers.
        state = optc.torch.OpticalState(circuit, device=device, nominal=nominal, seed=seed)
        model.register_comm_hook(state, optc.torch.optical_allreduce_hook)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    xtr_t, ytr_t = torch.from_numpy(xtr), torch.from_numpy(ytr)
    per_rank = batch // world
    start = time.perf_counter()
    steps = 0
    for epoch in range(epochs):
        # The same shuffle on every rank; each rank takes its slice of each global batch.
        order = torch.from_numpy(np.random.default_rng(seed * 1000 + epoch).permutation(len(ytr)))
        for b in range(0, len(order) - batch + 1, batch):
            idx = order[b + rank * per_rank : b + (rank + 1) * per_rank]
            opt.zero_grad()
            loss_fn(model(xtr_t[idx]), ytr_t[idx]).backward()
            opt.step()
            steps += 1
    seconds = time.perf_counter() - start
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    everyone = [torch.empty_like(flat) for _ in range(world)]
    dist.all_gather(everyone, flat)
    identical = all(torch.equal(everyone[0], t) for t in everyone)
    with torch.no_grad():
        logits = model.module(torch.from_numpy(xte))
        test_loss = float(loss_fn(logits, torch.from_numpy(yte)).item())
        pred = logits.argmax(dim=1).numpy()
    return {
        "hook": hook,
        "accuracy": float((pred == yte).mean() * 100.0),
        "replicas_identical": identical,
        "train_seconds": seconds,
        "steps": steps,
        "test_loss": test_loss,
        "param_l2": float(flat.double().norm().item()),
        # Steps whose gradients went through the optical reducer.
        "optical_steps": state.iter if state is not None else 0,
        # Fraction of reduced elements the circuit delivered as the contract says.
        "exact_match": (1.0 - state.contract_mismatches / state.elements) if state is not None and state.elements else None,
    }


def worker(rank: int, world: int, port: int, args: dict, out: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    try:
        results: List[Dict[str, object]] = []
        for hook in args["hooks"]:
            results.append(
                train(rank, world, hook, args["netlist"], Path(args["data"]), args["epochs"],
                      args["batch"], args["lr"], args["seed"], args["device"], args["nominal"])
            )
            dist.barrier()
        if rank == 0:
            Path(out).write_text(json.dumps(results))
    finally:
        dist.destroy_process_group()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(
    circuit: "optc.Circuit",
    hooks: Tuple[str, ...] = ("allreduce", "optical"),
    epochs: int = 30,
    batch: int = 64,
    lr: float = 0.05,
    seed: int = 0,
    data: Path = REPO / "data" / "digits" / "digits.csv.gz",
    device: Optional[Path] = None,
    nominal: bool = False,
) -> List[Dict[str, object]]:
    """Spawns one process per server of the compiled reducer `circuit` and
    trains once per hook; returns rank 0's results."""
    world = circuit.servers
    if world is None:
        raise optc.OptcError(f"`{circuit.name}` is not a reducer")
    with tempfile.TemporaryDirectory() as tmp:
        netlist = next(p for p in circuit.save(tmp) if p.name.endswith(".netlist.yaml"))
        out = os.path.join(tmp, "results.json")
        args = {"hooks": list(hooks), "netlist": str(netlist), "data": str(data),
                "epochs": epochs, "batch": batch, "lr": lr, "seed": seed,
                "device": None if device is None else str(device), "nominal": nominal}
        mp.spawn(worker, args=(world, free_port(), args, out), nprocs=world, join=True)
        return json.loads(Path(out).read_text())


def main(argv: List[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reducer", type=Path, default=REPO / "examples" / "optinc_4x4b.optc",
                   help="the reducer source (its servers = number of processes)")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch", type=int, default=64, help="global batch (split over the processes)")
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", type=Path, default=None,
                   help="run the reducer on one chip of this device file (random static errors "
                        "from --seed, detector noise) [default: the nominal chip the phase file "
                        "was calibrated for]")
    args = p.parse_args(argv)
    circuit = optc.compile(args.reducer)
    for r in run(circuit, epochs=args.epochs, batch=args.batch, lr=args.lr, seed=args.seed,
                 device=args.device):
        exact = "" if r["exact_match"] is None else f"  reducer exact-match {100 * r['exact_match']:.3f}%"
        print(f"{r['hook']:>9}: test accuracy {r['accuracy']:.2f}%  test loss {r['test_loss']:.4f}  "
              f"|params| {r['param_l2']:.4f}  replicas identical: "
              f"{r['replicas_identical']}  training {r['train_seconds']:.1f} s{exact}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
