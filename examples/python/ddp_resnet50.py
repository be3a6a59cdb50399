#!/usr/bin/env python3
"""torchvision's ResNet-50 (randomly initialised, 100 classes) trained data
parallel on 4 gloo processes, with gradients averaged by the 8-bit optical
reducer (optc.torch) and, from the same initial weights, by PyTorch's
default all-reduce.

    python examples/python/ddp_resnet50.py                       # 20 steps, 8 images per process
    python examples/python/ddp_resnet50.py --steps 50 --batch 64

Data: CIFAR-shaped (3×32×32) images generated here, nothing downloaded: 100
class prototypes (seeded 4×4×3 random patterns, upsampled bilinearly to
32×32) plus per-image Gaussian noise (σ = 0.5), labels uniform. The model
must learn to tell the prototypes apart, so the loss falls within a few
steps.

Per step it times each hook (the whole hook: for optical, quantization,
scale agreement, the all_gather of the codes, the reducer, dequantization;
for the all-reduce, the gloo all-reduce and the division), and prints the
mean per-step hook time of both runs, the training loss of the last steps,
whether the replicas ended bit-identical, and the reducer's exact-match
rate. Each process also emulates the switch (it runs the reducer on every
server's codes), so the optical hook does the circuit's work 4 times on
this machine.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from torch.distributed.algorithms.ddp_comm_hooks import default_hooks
from torch.nn.parallel import DistributedDataParallel as DDP

import optc
import optc.torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ddp_digits import free_port  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CLASSES = 100


def batches(seed: int, steps: int, global_batch: int):
    """The generated data set: (images, labels) per step, the same on every rank."""
    gen = torch.Generator().manual_seed(seed)
    prototypes = F.interpolate(torch.randn(CLASSES, 3, 4, 4, generator=gen), size=(32, 32),
                               mode="bilinear", align_corners=False)
    for _ in range(steps):
        labels = torch.randint(0, CLASSES, (global_batch,), generator=gen)
        images = prototypes[labels] + 0.5 * torch.randn(global_batch, 3, 32, 32, generator=gen)
        yield images, labels


class Timed:
    """State of `timed_hook`: the wrapped hook, its state, and the seconds spent."""

    def __init__(self, hook, state):
        self.hook, self.state, self.seconds = hook, state, 0.0


def timed_hook(timed: Timed, bucket: dist.GradBucket) -> torch.futures.Future[torch.Tensor]:
    """Runs the wrapped hook to completion and records its wall time."""
    start = time.perf_counter()
    fut = timed.hook(timed.state, bucket)
    fut.wait()  # the all-reduce hook is asynchronous; time it to completion
    timed.seconds += time.perf_counter() - start
    return fut


def train(rank: int, world: int, hook: str, netlist: str, steps: int, batch: int,
          lr: float, seed: int) -> Dict[str, object]:
    import torchvision

    torch.manual_seed(seed)  # identical initial weights on every rank
    model = DDP(torchvision.models.resnet50(num_classes=CLASSES))
    state = None
    if hook == "optical":
        state = optc.torch.OpticalState(optc.load(netlist), seed=seed)
        timed = Timed(optc.torch.optical_allreduce_hook, state)
    else:
        timed = Timed(default_hooks.allreduce_hook, None)
    model.register_comm_hook(timed, timed_hook)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    per_rank = batch // world
    losses: List[float] = []
    hook_seconds: List[float] = []
    start = time.perf_counter()
    for images, labels in batches(seed, steps, batch):
        x = images[rank * per_rank:(rank + 1) * per_rank]
        y = labels[rank * per_rank:(rank + 1) * per_rank]
        opt.zero_grad()
        before = timed.seconds
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        hook_seconds.append(timed.seconds - before)
        # The global batch's mean loss (every rank's shard).
        total = loss.detach().reshape(1).clone()
        dist.all_reduce(total)
        losses.append(float(total.item()) / world)
    seconds = time.perf_counter() - start
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    everyone = [torch.empty_like(flat) for _ in range(world)]
    dist.all_gather(everyone, flat)
    return {
        "hook": hook,
        "losses": losses,
        "hook_seconds_per_step": sum(hook_seconds[1:]) / max(1, len(hook_seconds) - 1),
        "train_seconds": seconds,
        "replicas_identical": all(torch.equal(everyone[0], t) for t in everyone),
        "parameters": int(flat.numel()),
        "exact_match": (1.0 - state.contract_mismatches / state.elements) if state and state.elements else None,
        "optical_steps": state.iter if state else 0,
    }


def worker(rank: int, world: int, port: int, args: dict, out: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    try:
        results = []
        for hook in args["hooks"]:
            results.append(train(rank, world, hook, args["netlist"], args["steps"], args["batch"],
                                 args["lr"], args["seed"]))
            dist.barrier()
        if rank == 0:
            Path(out).write_text(json.dumps(results))
    finally:
        dist.destroy_process_group()


def run(circuit: optc.Circuit, steps: int = 20, batch: int = 32, lr: float = 0.001, seed: int = 0,
        hooks=("allreduce", "optical")) -> List[Dict[str, object]]:
    """One process per server of `circuit`; trains once per hook; rank 0's results."""
    world = circuit.servers
    if world is None:
        raise optc.OptcError(f"`{circuit.name}` is not a reducer")
    if batch % world:
        raise optc.OptcError(f"the global batch {batch} must be a multiple of {world} processes")
    with tempfile.TemporaryDirectory() as tmp:
        netlist = next(p for p in circuit.save(tmp) if p.name.endswith(".netlist.yaml"))
        out = os.path.join(tmp, "results.json")
        args = {"hooks": list(hooks), "netlist": str(netlist), "steps": steps, "batch": batch,
                "lr": lr, "seed": seed}
        mp.spawn(worker, args=(world, free_port(), args, out), nprocs=world, join=True)
        return json.loads(Path(out).read_text())


def main(argv: List[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reducer", type=Path, default=REPO / "examples" / "optinc_4x8b.optc",
                   help="the reducer source (its servers = number of processes)")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--batch", type=int, default=32, help="global batch (split over the processes)")
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    circuit = optc.compile(args.reducer)
    start = time.perf_counter()
    results = run(circuit, steps=args.steps, batch=args.batch, lr=args.lr, seed=args.seed)
    for r in results:
        tail = r["losses"][-5:]
        exact = "" if r["exact_match"] is None else f"  reducer exact-match {100 * r['exact_match']:.3f}%"
        print(f"{r['hook']:>9}: loss {r['losses'][0]:.3f} -> mean of last {len(tail)} steps "
              f"{sum(tail) / len(tail):.3f}; hook {1e3 * r['hook_seconds_per_step']:.0f} ms/step; "
              f"training {r['train_seconds']:.1f} s; replicas identical: {r['replicas_identical']}{exact}")
    by = {r["hook"]: r for r in results}
    if "optical" in by and "allreduce" in by:
        ratio = by["optical"]["hook_seconds_per_step"] / max(1e-12, by["allreduce"]["hook_seconds_per_step"])
        print(f"optical hook / all-reduce per step: {ratio:.2f}x  "
              f"({by['optical']['parameters']:,} parameters; {time.perf_counter() - start:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
