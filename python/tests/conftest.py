"""Shared paths: the tests run against the repository's examples and data."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def reducer_4x4b():
    import optc

    return optc.compile(REPO / "examples" / "optinc_4x4b.optc")


@pytest.fixture(scope="session")
def reducer_4x8b():
    """The default 8-bit reducer: 4 servers, digit-serial over PAM4."""
    import optc

    return optc.compile(REPO / "examples" / "optinc_4x8b.optc")


@pytest.fixture(scope="session")
def optc_bin() -> Path:
    """The `optc` CLI (run_tests.sh builds it and sets OPTC_BIN)."""
    path = Path(os.environ.get("OPTC_BIN", REPO / "target" / "debug" / "optc"))
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `cargo build -p optc-cli --bin optc` (run_tests.sh does)")
    return path


@pytest.fixture(scope="session")
def nominal_chip() -> Path:
    """The examples' target device; with `nominal=True` its shared part
    (DAC, loss, crosstalk), which `optc compile` calibrates reducers for."""
    return REPO / "examples" / "data" / "realistic.yaml"
