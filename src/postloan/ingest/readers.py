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
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings

from postloan import contract
from postloan.ingest import archives, csvcheck
from postloan.ingest.sql import ident, lit

log = logging.getLogger(__name__)

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
CHUNK_BYTES = 8 * 1024 * 1024
XLSX_CHUNK_ROWS = 20_000

# Table names accepted for a file or sheet: the contract code or the Chinese label.
TABLE_NAMES: dict[str, str] = {}
for _t in contract.TABLES:
    TABLE_NAMES[_t.name.lower()] = _t.name
    TABLE_NAMES[_t.label] = _t.name


@dataclass
class WorkbookCheck:
    """What `check_workbook` found in an .xlsx that passed its limits."""

    has_formulas: bool = False
    # every sheet's first cell with a value is in row 1 (its header row): the bulk reader's
    # row numbers are then the sheet's (`_load_xlsx_bulk`)
    starts_at_row_1: bool = True


@dataclass
class Source:
    table: str
    path: Path
    fmt: str  # csv | xlsx | parquet
    sheet: str | None = None
    workbook: WorkbookCheck | None = None  # an .xlsx already checked by `check_workbook`

    @property
    def display(self) -> str:
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name


@dataclass
class FileError:
    file: str
    column: str
    reason: str
    # The row: a CSV's text line (header line 1, blank lines and multi-line values counted),
    # a sheet's row number; None: the file as a whole.
    row: int | None = None
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
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    try:
        return list(wb.sheet_names)
    finally:
        wb.close()


def _sheet_sources(path: Path, checked: WorkbookCheck) -> list[Source]:
    return [
        Source(table=table_for_name(name), path=path, fmt="xlsx", sheet=name, workbook=checked)
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
                checked = check_workbook(p)
                sheets = _sheet_sources(p, checked)
            except archives.ArchiveRefused as exc:
                found.errors.append(FileError(p.name, "", str(exc)))
                continue
            except Exception:  # noqa: BLE001 - any unreadable workbook is reported
                log.warning("workbook %s could not be opened", p, exc_info=True)
                found.errors.append(
                    FileError(
                        p.name,
                        "",
                        "Excel 文件无法打开：文件已损坏，或不是 Excel 2007 及以后的 .xlsx 格式",
                    )
                )
                continue
            if name:
                own = [s for s in sheets if s.table == name]
                if own:
                    found.sources.append(own[0])
                else:  # `<table>.xlsx`: its first sheet holds the table
                    found.sources.append(
                        Source(table=name, path=p, fmt="xlsx", sheet=None, workbook=checked)
                    )
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
                FileError(src.display, col.label, f"缺少必填列“{col.label}”（{col.code}）", row=1)
            )
    for code in duplicates:
        col = t.column(code)
        errors.append(FileError(src.display, col.label, f"列“{col.label}”出现多次", row=1))
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
    # No comment character and no skipped lines, whatever the sniffer thinks: DuckDB took the
    # `#` that began four customer ids for a comment marker and dropped those rows.
    return (
        f"read_csv({lit(path.as_posix())}, header = true, all_varchar = true, delim = ',',"
        " quote = '\"', escape = '\"', comment = '', skip = 0, null_padding = true,"
        f" auto_detect = true, parallel = {'true' if parallel else 'false'})"
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


def _csv_error(src: Source, problem: csvcheck.Problem | None, fallback: str) -> FileError:
    """A CSV file that could not be read, in Chinese: the row, the text line and the column of
    its first problem (never the reader's own message, which names server paths)."""
    if problem is None:
        return FileError(src.display, "", f"CSV 文件无法解析：{fallback}")
    problem.column = _column_label(src.table, problem.column)
    return FileError(
        src.display, problem.column, f"CSV 文件无法解析：{problem.text()}", row=problem.row
    )


def _column_label(table: str, header: str) -> str:
    """The contract's label of a header as typed (`name` → 客户名称); else the header."""
    mapping, _, _ = map_headers(table, [header]) if header else ({}, [], [])
    code = mapping.get(header)
    return contract.table(table).column(code).label if code else header


def _scan_errors(src: Source, found: csvcheck.Scan) -> list[FileError]:
    """What the byte scan alone refuses: mixed encodings, mixed line endings."""
    if found.mixed_encoding:
        mixed = found.mixed_encoding
        odd, other = ("UTF-8", "GBK") if mixed.odd == "utf-8" else ("GBK", "UTF-8")
        n = min(mixed.utf8_lines, mixed.gbk_lines)
        lines = f"第 {mixed.odd_line} 行" + (f"等 {n} 行" if n > 1 else "")
        return [
            FileError(
                src.display,
                "",
                f"文件编码混杂：{lines}是 {odd} 编码，而文件其余各行"
                f"（如第 {mixed.other_line} 行）是 {other} 编码，导入会产生乱码；"
                "请将整个文件另存为同一种编码（UTF-8 或 GBK）后重新导入",
                row=mixed.odd_line,
            )
        ]
    if found.line_ending == "mixed":
        problem = csvcheck.diagnose(src.path, found.encoding, found)
        return [_csv_error(src, problem, "换行符不一致")]
    return []


def load_csv(con: duckdb.DuckDBPyConnection, src: Source, workdir: Path) -> LoadedFile:
    raw = f"raw_{src.table}"
    result = LoadedFile(src, raw, [], [], 0, "rowid + 2")
    if src.path.stat().st_size == 0:
        result.errors.append(FileError(src.display, "", "文件为空"))
        return result
    found = csvcheck.scan(src.path)  # the encoding, and the records counted without DuckDB
    result.encoding = found.encoding
    result.errors = _scan_errors(src, found)
    if result.errors:
        return result
    path = src.path
    if found.encoding != "utf-8":
        path = workdir / f"{src.table}.utf8.csv"
        try:
            transcode_to_utf8(src.path, found.encoding, path)
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
        log.info("CSV %s refused by DuckDB: %s", src.display, exc)
        problem = csvcheck.diagnose(path, "utf-8", found)
        result.errors.append(_csv_error(src, problem, _duckdb_where(exc)))
        return result
    result.columns = list(mapping.values())
    result.rows = con.execute(f"SELECT count(*) FROM {ident(raw)}").fetchall()[0][0]
    if result.rows != found.records:
        result.errors.append(_count_mismatch(src, result.rows, found, path))
    elif found.lines_shift and _number_by_text_line(con, raw, path, result.rows):
        result.row_expr = ident("_row")
    return result


def _number_by_text_line(con: duckdb.DuckDBPyConnection, raw: str, path: Path, rows: int) -> bool:
    """Give `raw` a `_row` column: each record's text line in the file (what an editor shows),
    for a file whose blank lines or multi-line values shift it from the record number. One
    pass of Python's csv module, joined to DuckDB's rows by position in one statement."""
    lines = csvcheck.record_lines(path)
    if len(lines) != rows:  # cannot happen once the counts agree; keep the record numbers
        log.warning("CSV %s: %s text lines for %s records", path.name, len(lines), rows)
        return False
    numbered = pa.table({"_idx": pa.array(range(rows), pa.int64()), "_row": lines})
    con.register("_text_lines", numbered)
    try:
        con.execute(
            f"CREATE TABLE {ident(raw + '_lines')} AS SELECT l._row, r.* EXCLUDE (_idx)"
            f" FROM (SELECT rowid AS _idx, * FROM {ident(raw)}) r"
            " JOIN _text_lines l USING (_idx) ORDER BY _idx"
        )
    finally:
        con.unregister("_text_lines")
    con.execute(f"DROP TABLE {ident(raw)}")
    con.execute(f"ALTER TABLE {ident(raw + '_lines')} RENAME TO {ident(raw)}")
    return True


def _duckdb_where(exc: duckdb.Error) -> str:
    """Where DuckDB stopped, without its text: `CSV Error on Line: 7` → 第 7 行附近不符合 CSV 格式."""
    m = re.search(r"Line: (\d+)", str(exc))
    if m:
        return f"第 {m.group(1)} 行附近不符合 CSV 格式（请检查引号、逗号和换行）"
    return "无法识别文件的格式（请检查引号、逗号和换行是否成对、一致）"


def _count_mismatch(src: Source, rows: int, found: csvcheck.Scan, path: Path) -> FileError:
    problem = csvcheck.diagnose(path, "utf-8", found)
    hint = f"；{problem.text()}" if problem else ""
    return FileError(
        src.display,
        problem.column if problem else "",
        f"读取到 {rows:,} 行数据，逐字节核对为 {found.records:,} 行，两者不一致；"
        f"为免遗漏数据，本文件不予导入（请检查空行、引号和换行）{hint}",
        row=problem.row if problem else None,
    )


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
    except duckdb.Error:
        log.info("Parquet %s could not be read", src.display, exc_info=True)
        result.errors.append(
            FileError(src.display, "", "Parquet 文件无法读取：文件已损坏或不是 Parquet 格式")
        )
        return result
    result.columns = list(mapping.values())
    result.rows = con.execute(f"SELECT count(*) FROM {ident(raw)}").fetchall()[0][0]
    return result


# ---- XLSX ----------------------------------------------------------------------------------


def cell_text(value) -> str | None:
    """An Excel cell as the text a user would have typed (an empty one None)."""
    if type(value) is str:  # most cells: first, and without further checks
        return value or None
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


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
# the first cell holding a value (<v> or an inline string) and its row number
_FIRST_VALUE = re.compile(
    rb'<(?:\w+:)?c\s[^>]*?\br="[A-Z]+(\d+)"[^>]*?(?<!/)>\s*<(?:\w+:)?(?:v|is)[\s>]'
)
_DEDUPED = re.compile(r"^(.*)_(\d+)$")
BULK_DTYPES = {"string", "float", "int", "boolean", "datetime", "date", "null"}


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_workbook(path: Path) -> WorkbookCheck:
    """The limits of an .xlsx before openpyxl reads it: the unpacked size and ratio of every
    part, each sheet's declared range against the cell limit, every part read once (a forged
    size or CRC is refused here); also whether any sheet holds formulas."""
    max_bytes = settings.POSTLOAN_XLSX_MAX_UNPACKED_BYTES
    max_cells = settings.POSTLOAN_XLSX_MAX_CELLS
    found = WorkbookCheck()
    with archives.inspect(path, path.name, max_bytes) as archive:
        archives.verify(archive, path.name)
        for m in archive.infolist():
            if not (m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")):
                continue
            with archive.open(m) as fh:
                head = fh.read(64 * 1024)
                dim = _DIMENSION.search(head)
                first = _FIRST_VALUE.search(head)
                if first is None or first.group(1) != b"1":
                    found.starts_at_row_1 = False
                if dim and dim.group(3):
                    rows = int(dim.group(4)) - int(dim.group(2)) + 1
                    cols = _column_number(dim.group(3)) - _column_number(dim.group(1)) + 1
                    if rows * cols > max_cells:
                        raise archives.ArchiveRefused(
                            f"{path.name}：工作表范围 {dim.group(1).decode()}{dim.group(2).decode()}:"
                            f"{dim.group(3).decode()}{dim.group(4).decode()} 共 {rows * cols:,} 个"
                            f"单元格，超过上限 {max_cells:,}；请删除多余的行列或分成几个文件"
                        )
                tail = b""
                chunk = head
                while chunk and not found.has_formulas:
                    window = tail + chunk
                    # the regex only where a formula tag can be: most chunks have no "<f"
                    if b"<f" in window or b":f" in window:
                        found.has_formulas = bool(_FORMULA.search(window))
                    tail = chunk[-16:]
                    chunk = fh.read(archives.CHUNK)
    return found


def _open_workbook(path: Path, data_only: bool = True):
    from openpyxl import load_workbook  # deferred: ~1.7 s to import, only .xlsx needs it

    return load_workbook(path, read_only=True, data_only=data_only)


def _calamine_rows(path: Path, sheet: str | None):
    """The sheet's rows as openpyxl's `iter_rows(values_only=True)` gives them, read by
    calamine (Rust, ≈ 10× faster): row 1 first, column A first.

    calamine 0.9 yields the rows from row 1 but the columns from the first used one (padded
    here), an empty cell as "" (`cell_text` makes it None), and each formula's saved result
    (an uncomputed formula is an empty cell, as with openpyxl's data-only reader)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    try:
        ws = wb.get_sheet_by_name(sheet) if sheet else wb.get_sheet_by_index(0)
        pad = [None] * (ws.start or (0, 0))[1]
        if pad:
            for row in ws.iter_rows():
                yield pad + row
        else:
            yield from ws.iter_rows()
    finally:
        wb.close()


def _sheet(wb, src: Source):
    ws = wb[src.sheet] if src.sheet else wb.worksheets[0]
    # The declared range is not trusted: a range smaller than the data would cut rows off.
    ws.reset_dimensions()
    return ws


def _uncomputed(src: Source, number: int, row, formulas, positions) -> list[FileError]:
    """Cells holding a formula Excel never computed (no cached value): the data-only reader
    sees them as empty, which is not what the user typed."""
    errors = []
    for i, code in positions:
        f = formulas[i] if i < len(formulas) else None
        if isinstance(f, str) and f.startswith("=") and (i >= len(row) or row[i] in (None, "")):
            label = contract.table(src.table).column(code).label
            errors.append(
                FileError(
                    src.display,
                    label,
                    "单元格是公式，但文件中没有保存计算结果（常见于程序生成的表格）；"
                    "请在 Excel 中打开并保存，或把公式粘贴为数值后重新导入",
                    row=number,
                    value=f[:200],
                )
            )
    return errors


def load_xlsx(con: duckdb.DuckDBPyConnection, src: Source, workdir: Path) -> LoadedFile:
    raw = f"raw_{src.table}"
    result = LoadedFile(src, raw, [], [], 0, ident("_row"))
    checked = src.workbook or check_workbook(src.path)
    if not checked.has_formulas and checked.starts_at_row_1:
        bulk = _load_xlsx_bulk(con, src, result)
        if bulk is not None:
            return bulk
    return _load_xlsx_cells(con, src, result, checked.has_formulas)


class _NotBulk(Exception):
    """The sheet needs the cell-by-cell reader (a column of mixed types, a duplicated or
    numbered header, a time-of-day column): the bulk reader gives up, nothing written."""


def _load_xlsx_bulk(con: duckdb.DuckDBPyConnection, src: Source, result: LoadedFile):
    """The sheet read into Arrow by fastexcel (calamine's parser, no Python object per cell),
    each column converted as a whole to the text `cell_text` gives for its cells; the blank
    rows dropped and every row numbered as in the sheet — the raw table the cell-by-cell
    reader makes, for the same validation. Returns None (nothing written) when the sheet is
    not one it can read exactly as that reader does (`_NotBulk`)."""
    import fastexcel  # deferred: only .xlsx needs it

    raw = result.raw_table
    try:
        reader = fastexcel.read_excel(str(src.path))
        sheet = reader.load_sheet(
            src.sheet if src.sheet else 0, header_row=0, dtype_coercion="strict"
        )
        columns = sheet.available_columns()
        names = [c.name for c in columns]
        given = {c.name for c in columns if c.column_name_from != "generated"}
        if any((m := _DEDUPED.match(n)) is not None and m.group(1) in given for n in given) or any(
            c.dtype not in BULK_DTYPES for c in columns
        ):
            raise _NotBulk
        table = sheet.to_arrow()
    except (_NotBulk, fastexcel.FastExcelError, ValueError, TypeError):
        return None
    if table.num_rows == 0 and not given:
        return None  # an empty sheet: the cell reader says so in its words
    headers = [n if n in given else "" for n in names]
    mapping, ignored, duplicates = map_headers(src.table, [h for h in headers if h])
    result.ignored_columns = ignored
    result.errors = _header_errors(src, src.table, mapping, duplicates)
    if result.errors:
        return result
    width, height = sheet.width, table.num_rows
    max_cells = settings.POSTLOAN_XLSX_MAX_CELLS
    if width * (height + 1) > max_cells:
        number = max_cells // max(width, 1) + 1  # the row at which the cell reader stops
        result.errors.append(
            FileError(
                src.display,
                "",
                f"工作表超过 {max_cells:,} 个单元格的上限（读到第 {number:,} 行）；"
                "请删除多余的行列或分成几个文件",
                row=number,
            )
        )
        return result
    positions = [(i, mapping[h]) for i, h in enumerate(headers) if h in mapping]
    codes = [code for _, code in positions]
    arrays = [pa.array(range(2, height + 2), pa.int64())]
    for i, _ in positions:
        arrays.append(_text_column(table.column(i), columns[i].dtype))
    con.register(
        "xlsx_sheet", pa.Table.from_arrays(arrays, names=["_row", *[f"c{j}" for j in codes]])
    )
    try:
        blank = " AND ".join(f"coalesce(trim({ident('c' + c)}), '') = ''" for c in codes)
        cols = ", ".join(f"{ident('c' + c)} AS {ident(c)}" for c in codes)
        con.execute(
            f"CREATE TABLE {ident(raw)} AS SELECT _row, {cols} FROM xlsx_sheet "
            f"WHERE NOT ({blank or 'false'}) ORDER BY _row"
        )
    finally:
        con.unregister("xlsx_sheet")
    result.rows = con.execute(f"SELECT count(*) FROM {ident(raw)}").fetchall()[0][0]
    result.columns = codes
    return result


def _text_column(column: pa.ChunkedArray, dtype: str) -> pa.Array:
    """A sheet's column as the text `cell_text` gives each cell: strings as they are (an empty
    one null) without leaving Arrow; numbers, booleans and dates per value (one column)."""
    if dtype == "string":
        text = pc.cast(column, pa.string())
        blanked = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        return blanked.combine_chunks() if isinstance(blanked, pa.ChunkedArray) else blanked
    if dtype == "null":
        return pa.nulls(len(column), pa.string())
    values = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if dtype == "boolean":
        return pc.if_else(values, "true", "false")
    if dtype == "int":
        return pc.cast(values, pa.string())
    if dtype == "float":
        values = pc.cast(values, pa.float64())
        whole = pc.and_(pc.equal(pc.floor(values), values), pc.less(pc.abs(values), 2.0**62))
        as_int = pc.cast(pc.if_else(whole, values, 0.0), pa.int64())
        text = pc.if_else(whole, pc.cast(as_int, pa.string()), pc.cast(values, pa.string()))
        # Arrow's shortest text is Python's repr but for exponents (tiny, huge, inf, nan):
        # those few values go through `cell_text` itself
        magnitude = pc.abs(values)
        odd = pc.and_(
            pc.invert(whole),
            pc.or_(pc.less(magnitude, 1e-4), pc.greater_equal(magnitude, 1e15)),
        )
        return _per_value(text, values, odd)
    if dtype in ("datetime", "date"):
        day = pc.cast(values, pa.date32())
        text = pc.strftime(day, "%Y-%m-%d")
        if dtype == "date":
            return text
        midnight = pc.equal(pc.cast(day, values.type), values)
        return _per_value(text, values, pc.invert(midnight))
    return pa.array([cell_text(v) for v in values.to_pylist()], pa.string())


def _per_value(text: pa.Array, values: pa.Array, mask: pa.Array) -> pa.Array:
    """`text`, with the rows `mask` selects (and nulls stay null) written by `cell_text`."""
    mask = pc.fill_null(mask, False)
    if pc.any(mask).as_py():
        rows = pc.indices_nonzero(mask).to_pylist()
        listed = text.to_pylist()
        for i in rows:
            listed[i] = cell_text(values[i].as_py())
        text = pa.array(listed, pa.string())
    return text


def _load_xlsx_cells(
    con: duckdb.DuckDBPyConnection, src: Source, result: LoadedFile, has_formulas: bool
) -> LoadedFile:
    """The cell-by-cell reader: calamine's rows through `cell_text` (and openpyxl for the
    formulas of a workbook that has any)."""
    raw = result.raw_table
    # The values come from calamine; only a workbook with formulas is also read by openpyxl,
    # for the formulas themselves (calamine gives their saved results only).
    fwb = _open_workbook(src.path, data_only=False) if has_formulas else None
    rows = _calamine_rows(src.path, src.sheet)
    try:
        formula_rows = _sheet(fwb, src).iter_rows(values_only=True) if fwb else None
        header = next(rows, None)
        if formula_rows is not None:
            next(formula_rows, None)
        if header is None:
            result.errors.append(FileError(src.display, "", "工作表为空"))
            return result
        positions = _xlsx_positions(src, header, result)
        if positions is None:
            return result
        codes = [code for _, code in positions]
        table = _RawChunks(con, raw, codes)
        if not _xlsx_rows(src, result, table, rows, formula_rows, positions, len(header)):
            return result
    finally:
        rows.close()
        if fwb is not None:
            fwb.close()
    result.columns = codes
    return result


def _xlsx_positions(src: Source, header, result: LoadedFile) -> list[tuple[int, str]] | None:
    """The sheet's columns the contract knows, as (position, code); None when the header is
    refused (its errors then stand on `result`)."""
    headers = [cell_text(h) or "" for h in header]
    mapping, ignored, duplicates = map_headers(src.table, [h for h in headers if h])
    result.ignored_columns = ignored
    result.errors = _header_errors(src, src.table, mapping, duplicates)
    if result.errors:
        return None
    return [(i, mapping[h]) for i, h in enumerate(headers) if h in mapping]


class _RawChunks:
    """The raw table of a sheet (`_row` and one VARCHAR per code), filled in Arrow chunks."""

    def __init__(self, con: duckdb.DuckDBPyConnection, raw: str, codes: list[str]):
        self.con, self.raw = con, raw
        cols = ", ".join(f"{ident(c)} VARCHAR" for c in codes)
        con.execute(f"CREATE TABLE {ident(raw)} (_row BIGINT, {cols})")
        self.schema = pa.schema([("_row", pa.int64())] + [(c, pa.string()) for c in codes])
        self.buffer: list[list] = [[] for _ in range(len(codes) + 1)]

    def add(self, number: int, values: list) -> None:
        self.buffer[0].append(number)
        for j, v in enumerate(values, start=1):
            self.buffer[j].append(v)
        if len(self.buffer[0]) >= XLSX_CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.buffer[0]:
            return
        chunk = pa.Table.from_arrays([pa.array(b) for b in self.buffer], schema=self.schema)
        self.con.register("xlsx_chunk", chunk)
        try:
            self.con.execute(f"INSERT INTO {ident(self.raw)} SELECT * FROM xlsx_chunk")
        finally:
            self.con.unregister("xlsx_chunk")
        for b in self.buffer:
            b.clear()


def _xlsx_rows(src, result, table: _RawChunks, rows, formula_rows, positions, cells: int) -> bool:
    """Copy the data rows into `table` (blank lines skipped, uncomputed formulas reported);
    False when the sheet passes the cell limit (the error then stands on `result`)."""
    max_cells = settings.POSTLOAN_XLSX_MAX_CELLS
    for number, row in enumerate(rows, start=2):
        cells += len(row)
        if cells > max_cells:
            result.errors.append(
                FileError(
                    src.display,
                    "",
                    f"工作表超过 {max_cells:,} 个单元格的上限（读到第 {number:,} 行）；"
                    "请删除多余的行列或分成几个文件",
                    row=number,
                )
            )
            return False
        if formula_rows is not None:
            result.errors.extend(_uncomputed(src, number, row, next(formula_rows, ()), positions))
        values = [cell_text(row[i]) if i < len(row) else None for i, _ in positions]
        if all(v is None or not str(v).strip() for v in values):
            continue  # blank lines at the end of a sheet
        table.add(number, values)
        result.rows += 1
    table.flush()
    return True


LOADERS = {"csv": load_csv, "parquet": load_parquet, "xlsx": load_xlsx}


def load(con: duckdb.DuckDBPyConnection, src: Source, workdir: Path) -> LoadedFile:
    try:
        return LOADERS[src.fmt](con, src, workdir)
    except archives.ArchiveRefused as exc:
        reason = str(exc)
    except Exception:  # noqa: BLE001 - a broken file is a file-level error, not a crash
        # The exception's text is for the log: it is English and may name server paths.
        log.warning("import file %s could not be read", src.display, exc_info=True)
        reason = "文件无法读取：文件已损坏，或内容与文件类型不符"
    result = LoadedFile(src, f"raw_{src.table}", [], [], 0, "rowid + 2")
    result.errors.append(FileError(src.display, "", reason))
    return result
