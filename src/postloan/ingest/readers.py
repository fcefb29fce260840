"""Finding the batch's files and loading each one into DuckDB as all-text columns.

A batch is a folder of `<table>.csv|.xlsx|.parquet` files, or one `.xlsx` workbook with a sheet
per table. Every file ends up as a DuckDB table `raw_<table>` whose columns are the contract codes
(all VARCHAR) plus, for workbooks, `_row` (the sheet's row number). CSV files are checked as strict
UTF-8 (with or without BOM); anything else is decoded as GB18030 (a superset of GBK, which Excel
on Chinese Windows writes) and transcoded to a temporary UTF-8 file — never guessed into mojibake.
"""

from __future__ import annotations

import codecs
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from postloan import contract
from postloan.ingest.sql import ident, lit

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
CHUNK_BYTES = 8 * 1024 * 1024
XLSX_CHUNK_ROWS = 20_000

# Table names accepted for a file or sheet: the contract code or the Chinese label.
TABLE_NAMES: dict[str, str] = {}
for _t in contract.TABLES:
    TABLE_NAMES[_t.name.lower()] = _t.name
    TABLE_NAMES[_t.label] = _t.name


@dataclass
class Source:
    table: str
    path: Path
    fmt: str  # csv | xlsx | parquet
    sheet: str | None = None

    @property
    def display(self) -> str:
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name


@dataclass
class FileError:
    file: str
    column: str
    reason: str
    row: int = 1
    value: str = ""


@dataclass
class Discovery:
    sources: list[Source] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)


@dataclass
class LoadedFile:
    source: Source
    raw_table: str
    columns: list[str]  # contract codes present
    ignored_columns: list[str]
    rows: int
    row_expr: str  # SQL giving the user's row number in raw_table
    encoding: str = ""
    errors: list[FileError] = field(default_factory=list)

    @property
    def table(self) -> str:
        return self.source.table

    @property
    def ok(self) -> bool:
        return not self.errors


def table_for_name(stem: str) -> str | None:
    return TABLE_NAMES.get(stem.strip().lower())


def _workbook_sheets(path: Path) -> list[str]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _sheet_sources(path: Path) -> list[Source]:
    return [
        Source(table=table_for_name(name), path=path, fmt="xlsx", sheet=name)
        for name in _workbook_sheets(path)
        if table_for_name(name)
    ]


def discover(path: Path) -> Discovery:
    """The per-table sources in `path` (a folder, a workbook, or one `<table>.<ext>` file)."""
    found = Discovery()
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for p in files:
        if p.name.startswith((".", "~$")):
            continue
        fmt = FORMATS.get(p.suffix.lower())
        name = table_for_name(p.stem)
        if fmt is None:
            found.ignored.append(p.name)
            continue
        if fmt == "xlsx":
            try:
                sheets = _sheet_sources(p)
            except Exception as exc:  # noqa: BLE001 - any unreadable workbook is reported
                found.errors.append(FileError(p.name, "", f"Excel 文件无法打开：{exc}"))
                continue
            if name:
                own = [s for s in sheets if s.table == name]
                if own:
                    found.sources.append(own[0])
                else:  # `<table>.xlsx`: its first sheet holds the table
                    found.sources.append(Source(table=name, path=p, fmt="xlsx", sheet=None))
            elif sheets:
                found.sources.extend(sheets)
            else:
                found.ignored.append(p.name)
            continue
        if name is None:
            found.ignored.append(p.name)
            continue
        found.sources.append(Source(table=name, path=p, fmt=fmt))
    seen: dict[str, Source] = {}
    unique = []
    for src in found.sources:
        if src.table in seen:
            found.errors.append(
                FileError(
                    src.display,
                    "",
                    f"表 {src.table} 在本批次中出现多次（另见 {seen[src.table].display}），每张表只能有一个文件",
                )
            )
            continue
        seen[src.table] = src
        unique.append(src)
    found.sources = unique
    return found


# ---- headers -------------------------------------------------------------------------------


def normalise_header(name: str) -> str:
    return str(name or "").replace("\ufeff", "").strip().rstrip("*").strip().lower()


def map_headers(table: str, headers: list[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """(header → code, ignored headers, duplicate codes) for one file's header row."""
    aliases = {k.lower(): v for k, v in contract.header_aliases(contract.table(table)).items()}
    mapping: dict[str, str] = {}
    ignored: list[str] = []
    duplicates: list[str] = []
    for h in headers:
        code = aliases.get(normalise_header(h))
        if code is None:
            ignored.append(str(h))
        elif code in mapping.values():
            duplicates.append(code)
        else:
            mapping[h] = code
    return mapping, ignored, duplicates


def _header_errors(src: Source, table: str, mapping, duplicates) -> list[FileError]:
    t = contract.table(table)
    errors = []
    present = set(mapping.values())
    for col in t.columns:
        if col.required and col.code not in present:
            errors.append(
                FileError(src.display, col.label, f"缺少必填列“{col.label}”（{col.code}）")
            )
    for code in duplicates:
        col = t.column(code)
        errors.append(FileError(src.display, col.label, f"列“{col.label}”出现多次"))
    return errors


# ---- CSV -----------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """'utf-8' when the whole file is strict UTF-8 (BOM or not), else 'gb18030'."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK_BYTES):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def transcode_to_utf8(path: Path, encoding: str, out: Path) -> None:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(CHUNK_BYTES):
            dst.write(decoder.decode(chunk))
        dst.write(decoder.decode(b"", final=True))


def _read_csv_sql(path: Path, parallel: bool = True) -> str:
    return (
        f"read_csv({lit(path.as_posix())}, header = true, all_varchar = true, delim = ',',"
        " quote = '\"', escape = '\"', null_padding = true, auto_detect = true,"
        f" parallel = {'true' if parallel else 'false'})"
    )


def _copy_csv(con: duckdb.DuckDBPyConnection, raw: str, select: str, path: Path) -> None:
    """`raw` ← the file's rows. DuckDB's parallel reader refuses a line break inside a quoted
    value (Excel writes one for Alt+Enter in a cell) when short rows are padded; such a file is
    read again by the single-threaded reader, which takes it. A file that neither reads keeps
    the second reader's error."""
    try:
        con.execute(f"CREATE TABLE {ident(raw)} AS SELECT {select} FROM {_read_csv_sql(path)}")
    except duckdb.Error:
        con.execute(f"DROP TABLE IF EXISTS {ident(raw)}")
        con.execute(
            f"CREATE TABLE {ident(raw)} AS SELECT {select} FROM {_read_csv_sql(path, False)}"
        )


def load_csv(con: duckdb.DuckDBPyConnection, src: Source, workdir: Path) -> LoadedFile:
    raw = f"raw_{src.table}"
    result = LoadedFile(src, raw, [], [], 0, "rowid + 2")
    if src.path.stat().st_size == 0:
        result.errors.append(FileError(src.display, "", "文件为空"))
        return result
    encoding = detect_encoding(src.path)
    result.encoding = encoding
    path = src.path
    if encoding != "utf-8":
        path = workdir / f"{src.table}.utf8.csv"
        try:
            transcode_to_utf8(src.path, encoding, path)
        except UnicodeDecodeError:
            result.errors.append(
                FileError(src.display, "", "文件编码无法识别，请保存为 UTF-8 或 GB18030（GBK）编码")
            )
            return result
    try:
        headers = [
            r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {_read_csv_sql(path)}").fetchall()
        ]
        mapping, ignored, duplicates = map_headers(src.table, headers)
        result.ignored_columns = ignored
        result.errors = _header_errors(src, src.table, mapping, duplicates)
        if result.errors:
            return result
        select = ", ".join(f"{ident(h)} AS {ident(code)}" for h, code in mapping.items())
        _copy_csv(con, raw, select, path)
    except duckdb.Error as exc:
        result.errors.append(FileError(src.display, "", f"CSV 文件无法解析：{exc}"))
        return result
    result.columns = list(mapping.values())
    result.rows = con.execute(f"SELECT count(*) FROM {ident(raw)}").fetchall()[0][0]
    return result


# ---- Parquet -------------------------------------------------------------------------------


def load_parquet(con: duckdb.DuckDBPyConnection, src: Source, workdir: Path) -> LoadedFile:
    raw = f"raw_{src.table}"
    result = LoadedFile(src, raw, [], [], 0, "rowid + 2")
    relation = f"read_parquet({lit(src.path.as_posix())})"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
        types = {r[0]: r[1] for r in described}
        mapping, ignored, duplicates = map_headers(src.table, [r[0] for r in described])
        result.ignored_columns = ignored
        result.errors = _header_errors(src, src.table, mapping, duplicates)
        if result.errors:
            return result
        parts = []
        for h, code in mapping.items():
            expr = ident(h)
            if types[h].startswith("TIMESTAMP"):
                expr = f"CAST({expr} AS DATE)"
            parts.append(f"CAST({expr} AS VARCHAR) AS {ident(code)}")
        con.execute(f"CREATE TABLE {ident(raw)} AS SELECT {', '.join(parts)} FROM {relation}")
    except duckdb.Error as exc:
        result.errors.append(FileError(src.display, "", f"Parquet 文件无法读取：{exc}"))
        return result
    result.columns = list(mapping.values())
    result.rows = con.execute(f"SELECT count(*) FROM {ident(raw)}").fetchall()[0][0]
    return result


# ---- XLSX ----------------------------------------------------------------------------------


def cell_text(value) -> str | None:
    """An Excel cell as the text a user would have typed."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def load_xlsx(con: duckdb.DuckDBPyConnection, src: Source, workdir: Path) -> LoadedFile:
    from openpyxl import load_workbook

    raw = f"raw_{src.table}"
    result = LoadedFile(src, raw, [], [], 0, ident("_row"))
    wb = load_workbook(src.path, read_only=True, data_only=True)
    try:
        ws = wb[src.sheet] if src.sheet else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            result.errors.append(FileError(src.display, "", "工作表为空"))
            return result
        headers = [cell_text(h) or "" for h in header]
        mapping, ignored, duplicates = map_headers(src.table, [h for h in headers if h])
        result.ignored_columns = ignored
        result.errors = _header_errors(src, src.table, mapping, duplicates)
        if result.errors:
            return result
        positions = [(i, mapping[h]) for i, h in enumerate(headers) if h in mapping]
        codes = [code for _, code in positions]
        cols = ", ".join(f"{ident(c)} VARCHAR" for c in codes)
        con.execute(f"CREATE TABLE {ident(raw)} (_row BIGINT, {cols})")
        schema = pa.schema([("_row", pa.int64())] + [(c, pa.string()) for c in codes])
        buffer: list[list] = [[] for _ in range(len(codes) + 1)]

        def flush():
            chunk = pa.Table.from_arrays([pa.array(b) for b in buffer], schema=schema)
            con.register("xlsx_chunk", chunk)
            try:
                con.execute(f"INSERT INTO {ident(raw)} SELECT * FROM xlsx_chunk")
            finally:
                con.unregister("xlsx_chunk")
            for b in buffer:
                b.clear()

        for number, row in enumerate(rows, start=2):
            values = [cell_text(row[i]) if i < len(row) else None for i, _ in positions]
            if all(v is None or not str(v).strip() for v in values):
                continue  # blank lines at the end of a sheet
            buffer[0].append(number)
            for j, v in enumerate(values, start=1):
                buffer[j].append(v)
            result.rows += 1
            if len(buffer[0]) >= XLSX_CHUNK_ROWS:
                flush()
        if buffer[0]:
            flush()
    finally:
        wb.close()
    result.columns = codes
    return result


LOADERS = {"csv": load_csv, "parquet": load_parquet, "xlsx": load_xlsx}


def load(con: duckdb.DuckDBPyConnection, src: Source, workdir: Path) -> LoadedFile:
    try:
        return LOADERS[src.fmt](con, src, workdir)
    except Exception as exc:  # noqa: BLE001 - a broken file is a file-level error, not a crash
        result = LoadedFile(src, f"raw_{src.table}", [], [], 0, "rowid + 2")
        result.errors.append(FileError(src.display, "", f"文件无法读取：{exc}"))
        return result
