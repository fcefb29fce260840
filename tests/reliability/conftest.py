"""A real SQLite database file with the XS demo bank imported and screened, built once per
worker; each test works on its own copy (the SIGKILL tests run `postloan` in subprocesses)."""

import shutil
import subprocess

import pytest

from tests.ops.helpers import POSTLOAN, command_env

AS_OF = "2026-10-31"


def run_cmd(db_file, *args, timeout=300):
    env = command_env(POSTLOAN_VAR_DIR=db_file.parent / "var")
    env["DATABASE_URL"] = f"sqlite:///{db_file}"
    done = subprocess.run(
        [POSTLOAN, *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="session")
def xs_bank_files(tmp_path_factory):
    root = tmp_path_factory.mktemp("xs-bank")
    run_cmd(
        root / "scratch.sqlite3",
        "demo-data",
        "--scale",
        "XS",
        "--seed",
        "1",
        "--out",
        str(root / "seed1"),
    )
    run_cmd(
        root / "scratch.sqlite3",
        "demo-data",
        "--scale",
        "XS",
        "--seed",
        "2",
        "--out",
        str(root / "seed2"),
    )
    db = root / "imported.sqlite3"
    run_cmd(db, "migrate", "-v0")
    run_cmd(db, "import", str(root / "seed1"), "--as-of", AS_OF)
    run_cmd(db, "screen", "--as-of", AS_OF)
    return root


@pytest.fixture
def db_copy(xs_bank_files, tmp_path):
    """A private copy of the imported-and-screened database file."""
    import sqlite3

    target = tmp_path / "postloan.sqlite3"
    src = sqlite3.connect(xs_bank_files / "imported.sqlite3")
    dst = sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    (tmp_path / "var").mkdir()
    shutil.copytree(xs_bank_files / "seed2", tmp_path / "seed2")
    return target
