"""分析副本 · The analytical copy: the big fact tables as Parquet, kept by the import.

    VAR_DIR/analytics/<store>/
        <table>/<token>.parquet          a part: the rows one batch wrote (or a whole rebuild)
        <table>/<token>.drops.parquet    the keys of that part that earlier parts already held
        manifest-<token>.json            a generation: every table's parts, in order

Files are never changed once written. The database names the current generation: the
`analytics.Generation` row that the import writes *inside its own transaction*, after the
part files and the manifest are on disk (fsync'd). So

* a batch that fails or is killed before its commit leaves only orphan files (swept later):
  the database and its current generation are exactly as before;
* a committed batch and its generation are one fact — there is no window in which the
  database has the batch and the copy's pointer does not.

Which tables: `COPIED` — transactions, repayments, account balances: the import alone writes
them and they are nearly all of a snapshot's rows. The screening still reads the small tables
(loans, customers …, which people's actions change) and its own workflow tables from the
database.

A **delta**: each batch's rows of a copied table become one new part, whatever its size; its
keys are probed against the earlier parts (a DuckDB semi-join over their key columns: a read,
no rewrite), and those found are written as its `drops` so that a reader sees the newest
version of each row. A table whose parts grow past `MAX_PARTS`, or whose batch replaces more
than `COMPACT_SHARE` of its rows (a full re-send), is compacted into one new part.

Current = the latest generation row belongs to the latest succeeded import batch. A batch
imported with the copy switched off, one whose file of a copied table lacks a column (the
database then keeps stored values the copy does not have), or a database upgraded to this
feature leaves no generation for its batch: the copy is then *behind*, and
`risk.copy.current_for_screening()` rebuilds it (or refuses, `POSTLOAN_ANALYTICS_AUTO_REBUILD=0`).

This room only keeps the files and their generations; knowing the import batches and reading the
database for a rebuild belong to the rooms above (`risk/copy.py`, `ingest/service.py`).
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from django.conf import settings
from django.db import connection, transaction

from postloan import contract
from postloan.analytics.models import Generation

log = logging.getLogger(__name__)

COPIED = ("transactions", "repayments", "account_balances")
MAX_PARTS = 64
COMPACT_SHARE = 0.5
KEEP_GENERATIONS = 3  # the files of the latest generations stay (a screening may be reading)
ORPHAN_SECONDS = 3600  # unreferenced files younger than this may belong to an import in flight
LOCK_ID = 18_020_002  # PostgreSQL advisory lock: one generation written at a time

_DUCK_TYPES = {"date": "DATE", "money": "BIGINT", "bool": "BOOLEAN", "int": "BIGINT"}


class CopyError(RuntimeError):
    """The copy cannot be used (the message is for people: Chinese)."""


def columns(table: str) -> list[tuple[str, str]]:
    """(column, DuckDB type) of a copied table, in the contract's order."""
    return [(c.code, _DUCK_TYPES.get(c.type, "VARCHAR")) for c in contract.table(table).columns]


def key(table: str) -> tuple[str, ...]:
    return contract.table(table).key


def root() -> Path:
    return Path(settings.VAR_DIR) / "analytics"


def enabled() -> bool:
    return bool(getattr(settings, "POSTLOAN_ANALYTICS_COPY", True))


# --- the manifest ---------------------------------------------------------------------------


@dataclass
class Part:
    file: str  # relative to the store folder
    rows: int
    drops: str | None = None  # keys superseded in earlier parts
    dropped: int = 0

    def as_dict(self) -> dict:
        return {"file": self.file, "rows": self.rows, "drops": self.drops, "dropped": self.dropped}


@dataclass
class Manifest:
    token: str
    store: str
    batch_id: int | None
    tables: dict[str, list[Part]] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return root() / self.store

    @property
    def path(self) -> Path:
        return self.folder / f"manifest-{self.token}.json"

    def rows(self) -> dict[str, int]:
        return {
            t: sum(p.rows for p in parts) - sum(p.dropped for p in parts)
            for t, parts in self.tables.items()
        }

    def write(self) -> None:
        data = {
            "token": self.token,
            "store": self.store,
            "batch_id": self.batch_id,
            "tables": {t: [p.as_dict() for p in parts] for t, parts in self.tables.items()},
        }
        self.folder.mkdir(parents=True, exist_ok=True)  # a batch without copied tables
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)
        _fsync_dir(self.folder)

    @classmethod
    def read(cls, store: str, token: str) -> Manifest:
        path = root() / store / f"manifest-{token}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CopyError(f"分析副本清单缺失或损坏：{path}") from exc
        tables = {t: [Part(**p) for p in parts] for t, parts in data["tables"].items()}
        manifest = cls(data["token"], data["store"], data["batch_id"], tables)
        for parts in tables.values():
            for p in parts:
                for name in (p.file, p.drops):
                    if name and not (manifest.folder / name).exists():
                        raise CopyError(f"分析副本文件缺失：{manifest.folder / name}")
        return manifest


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sql_list(folder: Path, names: list[str]) -> str:
    return (
        "[" + ", ".join("'" + (folder / n).as_posix().replace("'", "''") + "'" for n in names) + "]"
    )


def relation_sql(manifest: Manifest, table: str) -> str:
    """A DuckDB query of `table`'s current rows in the copy (the newest version of each key)."""
    parts = manifest.tables.get(table, [])
    cols = ", ".join(f'"{c}"' for c, _ in columns(table))
    if not parts:
        typed = ", ".join(f'CAST(NULL AS {t}) AS "{c}"' for c, t in columns(table))
        return f"SELECT {typed} WHERE false"
    folder = manifest.folder
    if not any(p.drops for p in parts):
        return f"SELECT {cols} FROM read_parquet({_sql_list(folder, [p.file for p in parts])})"
    keys = key(table)
    rows = " UNION ALL ".join(
        f"SELECT {cols}, {i} AS _part FROM read_parquet({_sql_list(folder, [p.file])})"
        for i, p in enumerate(parts)
    )
    drops = " UNION ALL ".join(
        f"SELECT {', '.join(keys)}, {i} AS _part FROM read_parquet({_sql_list(folder, [p.drops])})"
        for i, p in enumerate(parts)
        if p.drops
    )
    match = " AND ".join(f"d.{k} = r.{k}" for k in keys)
    return (
        f"SELECT {', '.join(f'r.{c}' for c, _ in columns(table))} FROM ({rows}) r "
        f"WHERE NOT EXISTS (SELECT 1 FROM ({drops}) d WHERE {match} AND d._part > r._part)"
    )


def attach(con: duckdb.DuckDBPyConnection, manifest: Manifest, prefix: str = "copy_") -> None:
    """Views `copy_<table>` on `con` for every copied table of the manifest."""
    for table in COPIED:
        con.execute(f'CREATE OR REPLACE VIEW "{prefix}{table}" AS {relation_sql(manifest, table)}')


# --- which generation is current ------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """What the database says of the copy."""

    generation: object | None  # the latest analytics.Generation
    last_batch_id: int | None  # the latest succeeded import batch

    @property
    def exists(self) -> bool:
        return self.generation is not None

    @property
    def current(self) -> bool:
        gen = self.generation
        return self.exists and not gen.stale and gen.batch_id == self.last_batch_id

    def describe(self) -> str:
        if not self.exists:
            return "尚未建立分析副本"
        gen = self.generation
        made = f"版本 #{gen.pk}（{gen.get_kind_display()}，批次 {gen.batch_id or '无'}）"
        if self.current:
            return f"分析副本为最新：{made}"
        if gen.stale:
            return f"分析副本已失效：{made}之后有人在导入之外修改了流水、还款计划或账户余额"
        return f"分析副本落后于数据库：{made}，最近一次成功导入为批次 {self.last_batch_id}"


def state(last_batch_id: int | None) -> State:
    """The copy's latest generation against the latest succeeded import batch (its id given by
    the caller: the batches are the importer's, a room above this one — `risk.copy.state()`)."""
    return State(Generation.objects.order_by("-id").first(), last_batch_id)


# --- writing ---------------------------------------------------------------------------------


def lock_generations() -> None:
    """One generation is written at a time (SQLite: the importer already holds the write lock)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])


def write_part(con, folder: Path, table: str, token: str, select_sql: str) -> Part:
    (folder / table).mkdir(parents=True, exist_ok=True)
    name = f"{table}/{token}.parquet"
    typed = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in columns(table))
    target = (folder / name).as_posix().replace("'", "''")
    con.execute(
        f"COPY (SELECT {typed} FROM ({select_sql}) AS q) TO '{target}' "
        "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
    )
    _fsync(folder / name)
    (rows,) = con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()
    return Part(name, int(rows))


def _fsync(path: Path) -> None:
    with path.open("rb") as f:
        os.fsync(f.fileno())


def _append(con, base: Manifest, folder: Path, table: str, token: str, part: Part) -> list[Part]:
    """The table's parts after adding `part`: its keys that earlier parts hold become its drops;
    compacted into one part when it replaces most rows or the parts are too many."""
    parts = list(base.tables.get(table, []))
    if not parts:
        return [part]
    keys = ", ".join(key(table))
    new = (folder / part.file).as_posix()
    earlier = relation_sql(base, table)
    match = " AND ".join(f"e.{k} = n.{k}" for k in key(table))
    found = (
        f"SELECT {', '.join(f'n.{k}' for k in key(table))} FROM read_parquet('{new}') n "
        f"WHERE EXISTS (SELECT 1 FROM ({earlier}) e WHERE {match})"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _drops AS {found}")
    (dropped,) = con.execute("SELECT count(*) FROM _drops").fetchone()
    before = sum(p.rows - p.dropped for p in parts)
    if dropped > COMPACT_SHARE * before or len(parts) + 1 > MAX_PARTS:
        merged = Manifest(base.token, base.store, base.batch_id, {table: [*parts, part]})
        if dropped:
            merged.tables[table][-1] = _with_drops(con, folder, table, token, part, dropped)
        whole = write_part(con, folder, table, f"{token}-all", relation_sql(merged, table))
        log.info("分析副本压缩 %s：%s 行并为一个分片", table, whole.rows)
        return [whole]
    if dropped:
        part = _with_drops(con, folder, table, token, part, dropped)
    log.info("分析副本追加 %s：%s 行，其中 %s 行替换旧行（%s）", table, part.rows, dropped, keys)
    return [*parts, part]


def _with_drops(con, folder: Path, table: str, token: str, part: Part, dropped: int) -> Part:
    name = f"{table}/{token}.drops.parquet"
    con.execute(f"COPY _drops TO '{(folder / name).as_posix()}' (FORMAT parquet)")
    _fsync(folder / name)
    return Part(part.file, part.rows, name, int(dropped))


def prepare_import(stage, batch, writes, *, was_empty: bool, last_batch_id: int | None):
    """Inside the importer's transaction, after its writes: write the batch's parts and the new
    manifest, then the `Generation` row that makes it current when the batch commits. Returns
    the row, or None when the copy cannot follow this batch (it is then behind, see above).
    `was_empty`: the copied tables held nothing before the batch's writes; `last_batch_id`: the
    latest succeeded batch before this one."""
    if not enabled():
        return None
    lock_generations()
    before = state(last_batch_id)
    by_table = {w.table: w for w in writes if w.table in COPIED and stage.files[w.table].rows}
    if before.exists and not before.current:
        return None  # behind already: only a rebuild brings it back
    if not before.exists:
        if before.last_batch_id is not None or not was_empty:
            return None  # data older than the copy: a rebuild makes the first generation
        base = Manifest(uuid.uuid4().hex, uuid.uuid4().hex, None, {t: [] for t in COPIED})
    else:
        try:
            base = Manifest.read(before.generation.store, before.generation.token)
        except CopyError:
            log.warning("分析副本文件缺失：本批次后副本需重建", exc_info=True)
            return None
    for t, w in by_table.items():
        missing = [c for c, _ in columns(t) if c not in w.cols]
        if missing:
            log.warning("分析副本：%s 缺少列 %s，本批次后副本需重建", t, "、".join(missing))
            return None
    token = uuid.uuid4().hex
    manifest = Manifest(token, base.store, batch.pk, dict(base.tables))
    folder = manifest.folder
    started = time.perf_counter()
    for t, w in by_table.items():
        cols = ", ".join(f'"{c}"' for c, _ in columns(t))
        part = write_part(stage.con, folder, t, token, f"SELECT {cols} FROM {w.view}")
        manifest.tables[t] = _append(stage.con, base, folder, t, token, part)
    manifest.write()
    gen = Generation.objects.create(
        token=token,
        store=manifest.store,
        kind=Generation.Kind.IMPORT,
        batch=batch,
        rows=manifest.rows(),
        parts={t: len(p) for t, p in manifest.tables.items()},
    )
    log.info("分析副本版本 %s（批次 %s）：%.1f 秒", gen.pk, batch.pk, time.perf_counter() - started)
    transaction.on_commit(lambda: sweep(manifest.store), robust=True)
    return gen


def sweep(store: str) -> int:
    """Delete the store's files that no recent generation uses (never one younger than
    `ORPHAN_SECONDS`: it may belong to an import still running). Returns the files removed."""
    folder = root() / store
    if not folder.is_dir():
        return 0
    keep: set[str] = set()
    for token in Generation.objects.filter(store=store).values_list("token", flat=True)[
        :KEEP_GENERATIONS
    ]:
        keep.add(f"manifest-{token}.json")
        try:
            m = Manifest.read(store, token)
        except CopyError:
            continue
        keep.update(n for parts in m.tables.values() for p in parts for n in (p.file, p.drops) if n)
    removed = 0
    cutoff = time.time() - ORPHAN_SECONDS
    for path in folder.rglob("*"):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name not in keep and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
