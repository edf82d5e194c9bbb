"""Shared fixtures: the real published files (../shared/data/real) and throwaway workspaces."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import totalplace as tp

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = Path(os.environ.get("TOTALPLACE_REAL_DATA", REPO.parent / "shared" / "data" / "real"))


def real_data_or_skip() -> Path:
    """The folder of real published files; skip where it is absent, but fail in CI (it must be there)."""
    if REAL_DATA.is_dir():
        return REAL_DATA
    message = f"the real published files are not at {REAL_DATA} (set TOTALPLACE_REAL_DATA to their folder)"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def real() -> Path:
    return real_data_or_skip()


@pytest.fixture
def workspace(tmp_path: Path) -> tp.Workspace:
    return tp.init_workspace(tmp_path / "ws", "test")
