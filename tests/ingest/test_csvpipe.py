"""`csvpipe.exported`: DuckDB's CSV through a named pipe — all rows arrive, and neither a failing
query, a failure half-way nor a reader that stops early leaves anyone waiting for ever."""

import threading

import duckdb
import pytest

from postloan.ingest import csvpipe
from postloan.ingest.stage import Stage

OPTIONS = "FORMAT csv, HEADER false"


@pytest.fixture
def stage(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with Stage() as s:
        yield s


def within(seconds: float, work) -> None:
    """Run `work` in a thread; fail if it has not finished in time (a hang), re-raise its error."""
    outcome = {}

    def run():
        try:
            work()
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the pipe hung"
    if "error" in outcome:
        raise outcome["error"]


def test_every_row_arrives_and_the_pipe_is_gone(stage):
    chunks = []

    def read():
        with csvpipe.exported(stage, "SELECT range AS n FROM range(200000)", OPTIONS, "t") as src:
            while block := src.read(1 << 16):
                chunks.append(block)

    within(60, read)
    lines = b"".join(chunks).decode().splitlines()
    assert lines == [str(n) for n in range(200_000)]
    assert not list(stage.workdir.glob("pipe-*"))


def test_a_query_that_fails_at_once_raises_instead_of_hanging(stage):
    def read():
        with csvpipe.exported(stage, "SELECT * FROM no_such_table", OPTIONS, "t") as src:
            assert src.read() == b""

    with pytest.raises(duckdb.CatalogException):
        within(60, read)
    assert not list(stage.workdir.glob("pipe-*"))


def test_a_failure_half_way_is_raised_after_the_partial_rows(stage):
    failing = (
        "SELECT CAST(CASE WHEN range = 150000 THEN 'x' ELSE '1' END AS INTEGER) AS n"
        " FROM range(300000)"
    )
    seen = []

    def read():
        with csvpipe.exported(stage, failing, OPTIONS, "t") as src:
            seen.append(src.read())

    with pytest.raises(duckdb.ConversionException):
        within(60, read)


def test_a_reader_that_stops_early_does_not_block_duckdb(stage):
    def read():
        with csvpipe.exported(stage, "SELECT range FROM range(5000000)", OPTIONS, "t") as src:
            src.read(10)
            raise RuntimeError("the load failed")

    with pytest.raises(RuntimeError, match="the load failed"):  # the load's own error wins
        within(60, read)
    assert not list(stage.workdir.glob("pipe-*"))
