"""optc: compile, simulate and run optical in-network reduction circuits.

The heavy lifting is Rust (the ``optc`` compiler and ``optc-sim``); this
package converts numpy arrays and dicts at the boundary. Calls that compile,
simulate or reduce release the GIL.

    >>> import optc
    >>> c = optc.compile("examples/optinc_4x4b.optc")
    >>> r = c.reduce(codes)          # codes: int array (elements, servers)

Errors are :class:`OptcError` (subclasses :class:`CompileError`,
:class:`FormatError`, :class:`CalibrationError`, :class:`RunError`) whose message is the diagnostic the
``optc`` command line prints, with file, line and column.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import numpy as np

from . import _optc
from ._optc import CalibrationError, CompileError, FormatError, OptcError, RunError

__all__ = [
    "Circuit",
    "CalibrationError",
    "CompileError",
    "FormatError",
    "OptcError",
    "Reducer",
    "RunError",
    "compile",
    "compile_all",
    "load",
]

__version__: str = _optc.__version__

PathLike = Union[str, "os.PathLike[str]"]
#: A device: None (ideal), a device file path, or a dict of device-file keys
#: (``mzi_loss_db``, ``coupler_error``, ``phase_bits``, ``phase_error_rad``,
#: ``crosstalk``, ``detector_noise``, ... every key of spec/device.md's
#: parameter table, the PAM modulators' included).
Device = Union[None, str, "os.PathLike[str]", Mapping[str, Any]]


def _device(device: Device) -> Optional[Tuple[str, str]]:
    """(label, YAML text) for the runtime's device-file parser."""
    if device is None:
        return None
    if isinstance(device, Mapping):
        # JSON is YAML, so the runtime parses (and range-checks) it as a device file.
        return ("<device dict>", json.dumps(dict(device)))
    path = Path(device)
    try:
        return (str(device), path.read_text(encoding="utf-8"))
    except OSError as e:
        raise FormatError(f"{device}: cannot read the device file: {e}") from None


class Reducer:
    """A compiled reducer programmed onto one chip instance.

    Built by :meth:`Circuit.reducer`; reuse it across calls (building it runs
    the netlist once per possible sum). Its static device errors are fixed;
    detector noise is drawn per element from a seeded stream.
    """

    def __init__(self, native: "_optc.Reducer") -> None:
        self._native = native

    @property
    def servers(self) -> int:
        """N, the number of servers (columns of the code matrix)."""
        return self._native.servers

    @property
    def bits(self) -> int:
        """b, the code width; codes lie in [-(2^(b-1)-1), 2^(b-1)-1]."""
        return self._native.bits

    @property
    def max_code(self) -> int:
        """Q = 2^(b-1) - 1."""
        return self._native.max_code

    def reduce(self, codes: Any, noise_seed: Optional[int] = None, exact: bool = False) -> np.ndarray:
        """Runs integer codes through the reducer.

        ``codes`` is an integer array of shape (elements, servers): row e holds
        the N servers' codes of gradient element e. Returns an int64 array of
        shape (elements,): the code r delivered for each element. Every server
        receives the same r (the result is broadcast; spec/reducer.md), so one
        column stands for all of them;
        ``np.broadcast_to(r[:, None], codes.shape)`` gives the per-server view.

        ``noise_seed`` reseeds the detector noise for this call (the default
        reuses the reducer's seed, so repeated calls draw the same noise);
        ``exact=True`` simulates every element through the netlist instead
        of the per-sum table (same result, slower; like ``optc reduce --exact``).
        """
        arr = np.asarray(codes)
        if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
            raise RunError(f"codes must be an integer array, got dtype {arr.dtype}")
        if arr.ndim != 2 or arr.shape[1] != self.servers:
            raise RunError(
                f"codes must have shape (elements, {self.servers}), got {arr.shape}"
            )
        data = np.ascontiguousarray(arr, dtype="<i8").tobytes()
        out = self._native.reduce(data, noise_seed, exact)
        return np.frombuffer(out, dtype="<i8").astype(np.int64)

    def reduce_into(
        self,
        codes: Any,
        out: Any,
        noise_seed: Optional[int] = None,
        count_mismatches: bool = True,
        sums: Any = None,
    ) -> int:
        """The zero-copy form of :meth:`reduce`, for large gradient buckets.

        ``codes``: a C-contiguous int8, int16 or int32 array (anything with
        the buffer protocol: numpy arrays, ``tensor.numpy()`` of a CPU
        tensor) of shape (elements, servers), read in place. ``out``: a
        writable C-contiguous array of the same dtype with ``elements``
        items; the delivered codes are written into it. The work runs in
        the Rust runtime (rayon threads, the GIL released); do not touch
        either array from another thread during the call.

        Returns the number of delivered codes that differ from the reducer
        contract round_half_even(sum / N) (0 if ``count_mismatches`` is
        false, which saves one pass over the codes). ``sums``, a writable
        C-contiguous int32 array of ``elements`` items, receives each
        element's code sum S in the same pass (error feedback needs it).
        """
        return int(self._native.reduce_into(codes, out, noise_seed, bool(count_mismatches), sums))

    def __repr__(self) -> str:
        return f"Reducer(servers={self.servers}, bits={self.bits})"


class Circuit:
    """A programmed netlist: the MZI netlist, its phase file and (after a
    compile) the compile report.

    Build one with :func:`compile` or :func:`load`.
    """

    def __init__(self, native: "_optc.NativeCircuit") -> None:
        self._native = native
        self._ideal_reducer: Optional[Reducer] = None

    @property
    def name(self) -> str:
        return self._native.name

    @property
    def netlist(self) -> Dict[str, Any]:
        """The netlist (NAME.netlist.yaml) as a dict."""
        return json.loads(self._native.netlist_json())

    @property
    def phases(self) -> Dict[str, Any]:
        """The phase file (NAME.phases.yaml) as a dict."""
        return json.loads(self._native.phases_json())

    @property
    def report(self) -> Optional[Dict[str, Any]]:
        """The compile report (NAME.report.yaml) as a dict; None for a
        circuit loaded without a report."""
        text = self._native.report_json()
        return None if text is None else json.loads(text)

    @property
    def inputs(self) -> List[str]:
        """External input port names, in the order of ``matrix()`` columns."""
        return self._native.inputs

    @property
    def outputs(self) -> List[str]:
        """External output port names, in the order of ``matrix()`` rows."""
        return self._native.outputs

    @property
    def servers(self) -> Optional[int]:
        """N for a reducer netlist, else None."""
        shape = self._native.reducer_shape()
        return None if shape is None else shape[0]

    @property
    def bits(self) -> Optional[int]:
        """b for a reducer netlist, else None."""
        shape = self._native.reducer_shape()
        return None if shape is None else shape[1]

    def matrix(self) -> np.ndarray:
        """The realized transfer matrix on the ideal device: complex128,
        shape (outputs, inputs). Linear circuits only (a reducer's
        activations and detectors are not linear: :class:`RunError`)."""
        rows, cols, data = self._native.matrix()
        return np.frombuffer(data, dtype="<c16").reshape(rows, cols).copy()

    def simulate(self, fields: Any, device: Device = None, seed: Optional[int] = None) -> np.ndarray:
        """Propagates input fields through the netlist.

        ``fields``: complex array of shape (samples, inputs), or (inputs,) for
        one sample. Returns the output fields, (samples, outputs) or
        (outputs,). ``device``: None for the ideal device, a device file
        path, or a dict of its keys; one device instance is sampled with
        ``seed`` (default 0), which also seeds detector noise.
        """
        arr = np.asarray(fields)
        single = arr.ndim == 1
        if single:
            arr = arr[None, :]
        if arr.ndim != 2:
            raise RunError(f"fields must be 1-D or 2-D, got shape {np.shape(fields)}")
        data = np.ascontiguousarray(arr, dtype="<c16").tobytes()
        rows, cols, out = self._native.simulate(
            data, arr.shape[0], arr.shape[1], _device(device), 0 if seed is None else int(seed)
        )
        result = np.frombuffer(out, dtype="<c16").reshape(rows, cols).copy()
        return result[0] if single else result

    def reducer(self, device: Device = None, seed: int = 0, nominal: bool = False) -> Reducer:
        """This reducer netlist on one chip instance.

        ``device=None``: the phase file's nominal device, as ``optc reduce``
        runs it: its DAC (``phase_bits``) and the insertion loss and
        crosstalk the phase file was calibrated for (``calibrated_for``); no
        random errors, no noise. Otherwise one instance of ``device`` sampled
        with ``seed`` (static errors), with its detector noise;
        ``nominal=True`` keeps only what every chip of ``device`` shares (DAC,
        loss, crosstalk)."""
        return Reducer(self._native.reducer(_device(device), int(seed), bool(nominal)))

    def reduce(
        self, codes: Any, device: Device = None, seed: int = 0, exact: bool = False, nominal: bool = False
    ) -> np.ndarray:
        """``self.reducer(device, seed, nominal).reduce(codes, exact=exact)``:
        codes of shape (elements, servers) → int64 delivered codes of shape
        (elements,), the same for every server. The default (nominal) reducer
        is built once and cached."""
        if device is None and seed == 0:
            if self._ideal_reducer is None:
                self._ideal_reducer = self.reducer()
            return self._ideal_reducer.reduce(codes, exact=exact)
        return self.reducer(device, seed, nominal).reduce(codes, exact=exact)

    def save(self, directory: PathLike) -> List[Path]:
        """Writes NAME.netlist.yaml, NAME.phases.yaml and, if there is a
        report, NAME.report.yaml into ``directory`` (created if missing);
        returns the paths. :func:`load` reads them back."""
        return [Path(p) for p in self._native.save(os.fspath(directory))]

    def __repr__(self) -> str:
        kind = f"reducer {self.servers}x{self.bits}b" if self.servers else "linear"
        return f"Circuit({self.name!r}, {kind}, {len(self.inputs)} inputs, {len(self.outputs)} outputs)"


def _is_source(path_or_source: Any) -> bool:
    if isinstance(path_or_source, os.PathLike):
        return False
    if not isinstance(path_or_source, str):
        raise TypeError(f"expected a path or source text, got {type(path_or_source).__name__}")
    return "\n" in path_or_source or "{" in path_or_source


def compile_all(
    path_or_source: PathLike, *, allow_outside_paths: bool = False, source_dir: Optional[PathLike] = None
) -> Dict[str, Circuit]:
    """Compiles every network of a source; returns {name: Circuit} in source order.

    ``path_or_source``: a path (``str`` or ``os.PathLike``) to a ``.optc``
    file or a ``.npy``/``.csv`` matrix, or source text (a ``str`` holding a
    newline or ``{``). ``load(...)`` paths in source text resolve against
    ``source_dir`` (default: the current directory). Nothing is written;
    use :meth:`Circuit.save`.
    """
    if _is_source(path_or_source):
        natives = _optc.compile_source(
            path_or_source,
            "<source>",
            os.fspath(source_dir) if source_dir is not None else ".",
            allow_outside_paths,
        )
    else:
        natives = _optc.compile_path(os.fspath(path_or_source), allow_outside_paths)
    return {n.name: Circuit(n) for n in natives}


def compile(
    path_or_source: PathLike,
    *,
    network: Optional[str] = None,
    allow_outside_paths: bool = False,
    source_dir: Optional[PathLike] = None,
) -> Circuit:
    """Compiles a source (see :func:`compile_all`) and returns its network:
    the only one, or the one named ``network``. Raises :class:`CompileError`
    with the located diagnostics of ``optc compile`` on failure."""
    circuits = compile_all(path_or_source, allow_outside_paths=allow_outside_paths, source_dir=source_dir)
    if network is not None:
        if network not in circuits:
            raise CompileError(f"no network `{network}`; the source defines: {', '.join(circuits)}")
        return circuits[network]
    if len(circuits) != 1:
        raise CompileError(
            f"the source defines {len(circuits)} networks ({', '.join(circuits)}); pass network=NAME"
        )
    return next(iter(circuits.values()))


def load(netlist: PathLike, phases: Optional[PathLike] = None, report: Optional[PathLike] = None) -> Circuit:
    """Loads a netlist and its phase file (default: NAME.phases.yaml beside
    the netlist), validated as ``optc simulate`` validates them. ``report``
    defaults to NAME.report.yaml beside the netlist when that file exists."""
    netlist_path = Path(netlist)
    if report is None:
        stem = netlist_path.name
        for suffix in (".netlist.yaml", ".yaml"):
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        candidate = netlist_path.with_name(f"{stem}.report.yaml")
        report = candidate if candidate.is_file() else None
    native = _optc.load(
        os.fspath(netlist_path),
        None if phases is None else os.fspath(phases),
        None if report is None else os.fspath(report),
    )
    return Circuit(native)
