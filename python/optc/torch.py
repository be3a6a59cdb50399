"""A PyTorch DDP communication hook that averages gradients through a
compiled optical reducer.

    import optc, optc.torch
    circuit = optc.compile("examples/optinc_4x4b.optc")
    state = optc.torch.OpticalState(circuit)        # checks world size == servers
    ddp.register_comm_hook(state, optc.torch.optical_allreduce_hook)

Per gradient bucket (the shape of PyTorch's PowerSGD hook):

1. add the error-feedback residual of this bucket (if enabled);
2. agree on a shared scale: one all-reduce(MAX) of max|g| over the ranks,
   s = max|g| / Q with Q = 2^(b-1) - 1;
3. quantize g/s to b-bit codes in [-Q, Q] (stochastic rounding with a
   seeded generator, or round-half-to-even);
4. all_gather the codes: **this is the emulation's stand-in for the fibre**.
   On hardware each server would send its codes once, as light, into the
   optical switch; here ``torch.distributed`` moves them between ranks;
5. every rank runs the compiled circuit on the (elements, N) code matrix
   through the Rust runtime and gets the delivered code r per element
   (identical on every rank: the same codes, the same chip, the same noise
   seed);
6. dequantize: the averaged bucket is s·r; store the residual (step 1);
7. return a completed ``torch.futures.Future``.

Error feedback keeps, per rank, e_i = (g_i - s·q_i) + s·(mean(q) - r): its
own quantization error plus the reducer's rounding error of the mean (the
same on every rank, known exactly because every rank holds all codes), so
the mean of the residuals is exactly what the averaged gradient missed.
"""

# No `from __future__ import annotations`: DDP checks the hook's annotations
# (dist.GradBucket, Future[Tensor]) as objects.
from typing import Any, Dict, Optional

import torch
import torch.distributed as dist

from . import Circuit, Device, OptcError, Reducer

__all__ = ["OpticalState", "optical_allreduce_hook"]

_MASK64 = (1 << 64) - 1


class OpticalState:
    """State of :func:`optical_allreduce_hook`.

    Args:
        circuit: a compiled reducer (``optc.compile`` / ``optc.load``).
        process_group: the group the DDP model reduces over (default: WORLD).
        bits: the code width; defaults to the circuit's and must equal it.
        stochastic_rounding: quantize with unbiased stochastic rounding
            (default) instead of round-half-to-even.
        error_feedback: carry each bucket's quantization and reduction
            error into the next step (default True).
        device: the chip the reducer runs on (None: the phase file's
            nominal chip, as ``optc reduce``; or a device file path or dict,
            one instance sampled with ``seed``).
        nominal: keep only the shared part of ``device`` (DAC, loss,
            crosstalk; no random errors, no noise).
        seed: seeds the chip instance, the stochastic rounding and the
            detector noise; every draw is reproducible.

    Raises :class:`optc.OptcError` at construction (before
    ``register_comm_hook``) when the process group's size differs from the
    circuit's server count, or the circuit is not a reducer.
    """

    def __init__(
        self,
        circuit: Circuit,
        process_group: Optional[dist.ProcessGroup] = None,
        bits: Optional[int] = None,
        stochastic_rounding: bool = True,
        error_feedback: bool = True,
        device: Device = None,
        seed: int = 0,
        nominal: bool = False,
    ) -> None:
        if circuit.servers is None or circuit.bits is None:
            raise OptcError(f"circuit `{circuit.name}` is not a reducer (its netlist has no reducer section)")
        if not dist.is_initialized():
            raise OptcError("torch.distributed is not initialized: call init_process_group first")
        world = dist.get_world_size(process_group)
        if world != circuit.servers:
            raise OptcError(
                f"the process group has {world} ranks but reducer `{circuit.name}` takes "
                f"{circuit.servers} servers: compile a reducer with servers = {world}, "
                f"or run {circuit.servers} processes"
            )
        if bits is not None and bits != circuit.bits:
            raise OptcError(f"bits = {bits} but reducer `{circuit.name}` is compiled for {circuit.bits}-bit codes")
        self.circuit = circuit
        self.process_group = process_group
        self.bits: int = circuit.bits
        self.stochastic_rounding = stochastic_rounding
        self.error_feedback = error_feedback
        self.seed = int(seed)
        self.reducer: Reducer = circuit.reducer(device, seed, nominal)
        self.rank = dist.get_rank(process_group)
        self.world_size = world
        #: Completed optimizer steps (counted at each step's last bucket).
        self.iter = 0
        #: Error-feedback residual per bucket index.
        self.residuals: Dict[int, torch.Tensor] = {}
        #: Gradient elements reduced, and how many of them the circuit
        #: delivered differently from the contract round_half_even(sum/N).
        self.elements = 0
        self.contract_mismatches = 0

    def __getstate__(self) -> Dict[str, Any]:
        # Like PowerSGD: the process group and the native reducer do not pickle.
        raise OptcError("OpticalState cannot be pickled; build it again in each process")

    def _seed(self, bucket: int, salt: int) -> int:
        return (self.seed * 0x9E3779B97F4A7C15 + self.iter * 0x100000001B3 + bucket * 0x1F + salt) & _MASK64


def _code_dtype(bits: int) -> torch.dtype:
    return torch.int8 if bits <= 8 else torch.int16


def optical_allreduce_hook(
    state: OpticalState, bucket: dist.GradBucket
) -> torch.futures.Future[torch.Tensor]:
    """DDP communication hook: the bucket averaged through the optical reducer.

    Register with ``ddp.register_comm_hook(state, optical_allreduce_hook)``.
    Works on CPU tensors (gloo) and CUDA tensors (NCCL, or gloo): the
    quantization, the scale agreement and the dequantization run on the
    bucket's device; only the integer codes (int8 up to 8 bits, int16 up to
    16) cross to the host, where the reducer runs on them in place
    (:meth:`optc.Reducer.reduce_into`), and the delivered codes go back. The
    work is synchronous and the returned future is already completed with
    the averaged bucket (same dtype, shape and device).
    """
    group = state.process_group
    buffer = bucket.buffer()
    device = buffer.device
    index = bucket.index()
    q_max = (1 << (state.bits - 1)) - 1

    grad = buffer.detach().to(torch.float32)
    if state.error_feedback:
        residual = state.residuals.get(index)
        if residual is not None and residual.numel() == grad.numel():
            grad = grad + residual

    # 1. Shared scale: one tiny all-reduce of the largest magnitude.
    if grad.numel():
        peak = grad.abs().max().reshape(1)
    else:
        peak = torch.zeros(1, dtype=torch.float32, device=device)
    dist.all_reduce(peak, op=dist.ReduceOp.MAX, group=group)
    scale = torch.where(peak > 0.0, peak / q_max, torch.ones_like(peak))

    # 2. Quantize to b-bit codes, on the bucket's device (in place on x).
    x = grad / scale
    if state.stochastic_rounding:
        gen = torch.Generator(device=device).manual_seed(state._seed(index, state.rank + 1))
        x.add_(torch.rand(x.shape, generator=gen, dtype=torch.float32, device=device)).floor_()
    else:
        x.round_()  # half to even
    q = x.clamp_(-q_max, q_max)
    codes = q.to(_code_dtype(state.bits))

    # 3. The fibre's stand-in: every rank receives every rank's codes.
    gathered = [torch.empty_like(codes) for _ in range(state.world_size)]
    dist.all_gather(gathered, codes, group=group)
    matrix = torch.stack(gathered, dim=1)

    # 4. The optical reducer (Rust runtime, GIL released), in place on the
    #    host copy of the codes: one delivered code per element.
    host = matrix.cpu().contiguous()
    delivered_host = torch.empty(host.shape[0], dtype=host.dtype)
    sums_host = torch.empty(host.shape[0], dtype=torch.int32) if state.error_feedback else None
    state.contract_mismatches += state.reducer.reduce_into(
        host.numpy(),
        delivered_host.numpy(),
        noise_seed=state._seed(index, 0),
        sums=None if sums_host is None else sums_host.numpy(),
    )
    state.elements += int(host.shape[0])
    delivered = delivered_host.to(device).to(torch.float32)

    # 5. Dequantize; keep what this step missed for the next one:
    #    g − s·q + s·(mean(q) − r) = g + s·(mean(q) − r − q).
    averaged = delivered * scale
    if state.error_feedback:
        mean_q = sums_host.to(device).to(torch.float32).div_(state.world_size)
        state.residuals[index] = mean_q.sub_(delivered).sub_(q).mul_(scale).add_(grad)

    if bucket.is_last():
        state.iter += 1

    fut: torch.futures.Future[torch.Tensor] = torch.futures.Future()
    fut.set_result(averaged.to(buffer.dtype).reshape(buffer.shape))
    return fut
