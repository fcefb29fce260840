"""The screening's DuckDB is bounded by POSTLOAN_DUCKDB_MEMORY and spills into a folder of
its own process under VAR_DIR/tmp."""

import os

from postloan.risk.snapshot import bounded_duckdb


def test_the_screening_duckdb_is_bounded_and_spills_under_var(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.POSTLOAN_DUCKDB_MEMORY = "256MB"
    con = bounded_duckdb()
    limit, spill = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
    ).fetchall()[0]
    assert limit.endswith("MiB") and 200 < float(limit.split()[0]) < 300
    assert spill == str(tmp_path / "tmp" / f"duckdb-spill-{os.getpid()}")
    # past the limit it spills instead of failing: a sort of ~0.5 GB of rows
    rows = con.execute(
        "SELECT count(*) FROM (SELECT range, md5(range::VARCHAR) AS h FROM range(6000000)"
        " ORDER BY h)"
    ).fetchall()[0][0]
    assert rows == 6_000_000
    con.close()
