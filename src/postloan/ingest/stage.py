"""The staging area of one import: a scratch folder and a DuckDB database holding the batch."""

from __future__ import annotations

import shutil
from collections.abc import Mapping

import duckdb
from django.conf import settings

from postloan.core import scratch
from postloan.ingest.readers import LoadedFile


class Stage:
    def __init__(self) -> None:
        self.workdir = scratch.make("import-")
        self.con = duckdb.connect(str(self.workdir / "stage.duckdb"))
        # The same bound as a screening's DuckDB (`POSTLOAN_DUCKDB_MEMORY`); past it, DuckDB
        # spills to the scratch folder. Grouping 110 M flows by month (scale L) spilled for
        # minutes under the 1.5 GB this bound used to be.
        self.con.execute(f"SET memory_limit = '{settings.POSTLOAN_DUCKDB_MEMORY}'")
        self.con.execute(f"SET temp_directory = '{(self.workdir / 'spill').as_posix()}'")
        self.con.execute("SET preserve_insertion_order = true")
        self.files: dict[str, LoadedFile] = {}
        # SQLite: table → an SQL query over an attached side file holding its rows, in the
        # order of the load's columns (`ingest.side.SideFiles`); the loader copies from it.
        self.side: Mapping[str, str] = {}

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Stage:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def usable(self, table: str) -> bool:
        """The batch carries this table and its file could be read."""
        f = self.files.get(table)
        return f is not None and f.ok

    def has_column(self, table: str, code: str) -> bool:
        return self.usable(table) and code in self.files[table].columns

    def scalar(self, sql: str):
        rows = self.con.execute(sql).fetchall()
        return rows[0][0] if rows else None
