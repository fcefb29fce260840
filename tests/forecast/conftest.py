import datetime as dt
import shutil
from pathlib import Path

import pytest

from postloan.demo.generate import generate_bank
from postloan.demo.history import HISTORY_FILE

AS_OF = dt.date(2026, 10, 31)


@pytest.fixture(scope="session")
def s_history(tmp_path_factory) -> Path:
    """The S demo bank's 48 month-ends (the generator's history file)."""
    out = tmp_path_factory.mktemp("forecast-s")
    generate_bank("S", 1, out, AS_OF)
    return out / HISTORY_FILE


@pytest.fixture
def store(settings, tmp_path):
    """A fresh VAR_DIR: the month-end store and the model files live under it."""
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    yield settings.VAR_DIR
    shutil.rmtree(settings.VAR_DIR, ignore_errors=True)


def relation(path: Path) -> str:
    return f"(SELECT * FROM read_parquet('{path.as_posix()}'))"
