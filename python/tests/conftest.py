"""Shared paths: the tests run against the repository's examples and data."""

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
