"""A CSV file checked byte by byte, independently of DuckDB: its encoding and its record count.

The importer reads a CSV with DuckDB; this module counts the same file's records a second way,
so that a row the reader dropped (a `#` taken for a comment, a skipped line) is a refusal
naming the file instead of a silent loss (`readers.load_csv` compares the two counts).

    scan(path)       one pass over the bytes: strict UTF-8 or not, records after the header,
                     line endings, an unclosed quote. Quotes are counted with `bytes.split`, so
                     a file without quotes is counted at the speed of `bytes.count`; a file
                     whose quotes are not only at the edges of values is counted again by
                     Python's csv module.
    diagnose(path)   only when a file could not be read: the first line that breaks the CSV
                     rules, in Chinese, with its row, its text line and its column.

A record is a line ending outside quotes that is not empty; `""` or a single space is a record
(DuckDB reads it as one), an empty line is not (DuckDB skips it, and it holds no value). The
header is the first record. `"`, `\\n` and `\\r` never occur inside a multi-byte character of
UTF-8 or GB18030, so the bytes are counted before any decoding.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

CHUNK_BYTES = 8 * 1024 * 1024
MAX_VALUE_CHARS = 1024 * 1024  # one value; DuckDB's own line limit is 2 MB
_BLANK = re.compile(rb"\n\n")
_BLANK_RUN = re.compile(rb"\n{2,}")
# A 2-byte UTF-8 sequence: its lead byte is never a continuation byte of a 3-byte one, so
# this matches only characters U+0080–U+07FF — which is also how most GBK characters read.
_TWO_BYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_SURROGATE = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8 (surrogateescape)
_BELOW_0800 = re.compile("[\x80-\u07ff]")
_BELOW_2000 = re.compile("[\x80-\u1fff]")
_CJK_CHAR = re.compile("[\u2e80-\uffff]")
# Characters below U+2000 that Chinese text uses (· × ÷ ° ± § ¥): they decide nothing.
_NEUTRAL = frozenset("·×÷°±§¥¤¨")
_FIELD_EDGE = (ord(","), ord("\n"), ord("\r"))


@dataclass
class Scan:
    """What one pass over a CSV file's bytes found."""

    encoding: str  # utf-8 | gb18030
    records: int  # records after the header
    line_ending: str  # CRLF | LF | CR | "" (one line only); "mixed" when LF/CRLF and CR mix
    open_quote: bool  # the file ends inside a quoted value
    mixed_encoding: MixedEncoding | None = None  # lines in UTF-8 and lines in GBK
    counted_by: str = "bytes"  # bytes | csv (quotes inside values: Python's csv module)
    # A record's text line is not its record number + 1 (blank lines, line breaks inside
    # quotes): the rows are numbered by `record_lines` instead.
    lines_shift: bool = False


class _Counter:
    """Records (non-empty lines outside quotes) in a stream of byte chunks."""

    def __init__(self) -> None:
        self.in_quote = False
        self.after_term = True  # the last byte outside quotes ended a line (or start of file)
        self.prev = -1  # the byte before the current chunk (-1: start of file)
        self.lf = self.cr = self.crlf = 0
        self.records = 0
        self.irregular = False  # a quote that is not at the edge of a value
        self.lines_shift = False  # a blank line, or a line break inside quotes

    def feed(self, data: bytes) -> None:
        parts = data.split(b'"') if b'"' in data else [data]
        last = len(parts) - 1
        for i, part in enumerate(parts):
            inside = self.in_quote if i % 2 == 0 else not self.in_quote
            if inside:
                if b"\n" in part or b"\r" in part:
                    self.lines_shift = True
                continue
            if i > 0 and part and part[0] not in _FIELD_EDGE:
                self.irregular = True  # `"abc"x`: something after a closing quote
            if i < last and part and part[-1] not in _FIELD_EDGE:
                self.irregular = True  # `x"abc"`: a quote inside an unquoted value
            if i == 0 and i < last and not part and self.prev not in (-1, *_FIELD_EDGE):
                self.irregular = True  # the same, across the chunk boundary
            self._outside(part, leads_quote=i > 0)
        if last % 2 == 1:
            self.in_quote = not self.in_quote
        if data:
            self.prev = data[-1]

    def _outside(self, part: bytes, leads_quote: bool) -> None:
        if leads_quote:
            self.after_term = False  # a quote is content: `""` alone is a record
        if not part:
            return
        if b"\r" in part:
            crlf = part.count(b"\r\n")
            self.crlf += crlf
            self.cr += part.count(b"\r") - crlf
            part = part.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        n = part.count(b"\n")
        if not n:
            self.after_term = False
            return
        self.lf += n
        blank = 0
        if _BLANK.search(part):  # `re` finds it faster than `in`
            blank = sum(len(m.group()) - 1 for m in _BLANK_RUN.finditer(part))
        if self.after_term and part[0] == 10:
            blank += 1
        if blank:
            self.lines_shift = True
        self.records += n - blank
        self.after_term = part[-1] == 10

    def close(self) -> None:
        if not self.after_term:
            self.records += 1  # the last record has no line ending
        self.lf -= self.cr + self.crlf  # `lf` counted every ending; keep the bare LFs

    @property
    def line_ending(self) -> str:
        kinds = [k for k, n in (("CRLF", self.crlf), ("LF", self.lf), ("CR", self.cr)) if n]
        if not kinds:
            return ""
        if len(kinds) > 1:
            return "mixed"
        return kinds[0]


class _Encoding:
    """Strict UTF-8 or not, and where a UTF-8 file turns into something else (byte offsets;
    turned into line numbers only when needed)."""

    def __init__(self) -> None:
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.utf8 = True
        self.offset = 0  # bytes before the current chunk
        self.bad: int | None = None
        self.two_byte = False  # a 2-byte UTF-8 character (U+0080–U+07FF): maybe a GBK line

    def feed(self, data: bytes) -> None:
        if self.utf8:
            if not self.two_byte and _TWO_BYTE.search(data):
                self.two_byte = True
            try:
                self.decoder.decode(data)
            except UnicodeDecodeError as exc:
                self.utf8 = False
                self.bad = self.offset + max(exc.start, 0)
        self.offset += len(data)

    def close(self) -> None:
        if self.utf8:
            try:
                self.decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.utf8 = False
                self.bad = self.offset


def _line_of(path: Path, offset: int) -> int:
    """The text line (1-based) holding byte `offset`."""
    lines, done = 1, 0
    with path.open("rb") as fh:
        while done < offset and (chunk := fh.read(min(CHUNK_BYTES, offset - done))):
            lines += chunk.count(b"\n")
            done += len(chunk)
    return lines


def scan(path: Path) -> Scan:
    """One pass over `path`: its encoding and its records after the header."""
    counter, enc = _Counter(), _Encoding()
    with path.open("rb") as fh:
        head = fh.read(len(codecs.BOM_UTF8))
        enc.feed(head)
        carry = b"" if head == codecs.BOM_UTF8 else head  # the BOM is no part of a value
        while chunk := fh.read(CHUNK_BYTES):
            enc.feed(chunk)
            data = carry + chunk
            # A CRLF or a doubled quote may straddle two chunks: keep the tail for the next.
            cut = len(data.rstrip(b'"\r'))
            carry = data[cut:]
            counter.feed(data[:cut])
    counter.feed(carry)
    counter.close()
    enc.close()
    encoding = "utf-8" if enc.utf8 else "gb18030"
    mixed = None
    if not enc.utf8 or enc.two_byte:  # a strict UTF-8 file of Chinese text needs no line pass
        mixed = mixed_lines(path)
    result = Scan(
        encoding=encoding,
        records=max(counter.records - 1, 0),
        line_ending=counter.line_ending,
        open_quote=counter.in_quote,
        mixed_encoding=mixed,
        lines_shift=counter.lines_shift,
    )
    if counter.irregular:  # a quote inside a value is a character, not a quote
        result.counted_by = "csv"
        try:
            result.records, result.open_quote = count_with_csv(path, encoding), False
        except csv.Error:
            result.open_quote = True
    return result


def _chinese(text: str) -> bool:
    """Reads as Chinese text: at least one CJK character, and every non-ASCII character a
    common one (GB2312 from U+2000 up: hanzi and CJK punctuation) or a neutral symbol. Bytes
    decoded in the wrong encoding give rare hanzi (GBK/3, Ext A) or Latin/Greek/Cyrillic."""
    if not _CJK_CHAR.search(text):
        return False
    if any(ch not in _NEUTRAL for ch in _BELOW_2000.findall(text)):
        return False
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _latin_word(text: str) -> bool:
    """A non-ASCII letter inside a Latin word (`José`): UTF-8 that says nothing of GBK."""
    for m in _NON_ASCII_RUN.finditer(text):
        before = text[m.start() - 1 : m.start()]
        after = text[m.end() : m.end() + 1]
        if (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha()):
            return True
    return False


def line_encoding(line: bytes) -> str | None:
    """`utf-8` or `gbk` where one line's bytes can only be read (sensibly) one way; None for an
    ASCII line or one that reads as well either way. Both decodings are tried: a line valid in
    one only decides; a line valid in both decides by which one reads as Chinese text — so one
    UTF-8 character in a GBK file, or one GBK character in a UTF-8 file, is found."""
    if line.isascii():
        return None
    try:
        u = line.decode("utf-8")
    except UnicodeDecodeError:
        return "gbk"  # not UTF-8 (how nearly every line of a GBK file goes): GBK or worse
    try:
        g = line.decode("gbk")
    except UnicodeDecodeError:
        g = None
    if _latin_word(u) or all(c < "\x80" or c in _NEUTRAL for c in u):
        return None
    u_reads, g_reads = _chinese(u), g is not None and _chinese(g)
    if u_reads != g_reads:
        return "utf-8" if u_reads else "gbk"
    if u_reads:
        return None  # Chinese either way: it decides nothing
    return "utf-8" if g is None else None


@dataclass
class MixedEncoding:
    """Lines in two encodings: where each first occurs, how many of each, the odd one out."""

    utf8_line: int
    gbk_line: int
    utf8_lines: int
    gbk_lines: int

    @property
    def odd(self) -> str:
        """The encoding of the fewer lines (on a tie, the one that appears later)."""
        if self.utf8_lines != self.gbk_lines:
            return "utf-8" if self.utf8_lines < self.gbk_lines else "gbk"
        return "utf-8" if self.utf8_line > self.gbk_line else "gbk"

    @property
    def odd_line(self) -> int:
        return self.utf8_line if self.odd == "utf-8" else self.gbk_line

    @property
    def other_line(self) -> int:
        return self.gbk_line if self.odd == "utf-8" else self.utf8_line


def mixed_lines(path: Path) -> MixedEncoding | None:
    """A file whose lines are in two encodings (two files pasted together, one line typed in
    another editor), else None. Done only for a file that is not strict UTF-8, or holds a
    2-byte UTF-8 character. Each 8 MB chunk is decoded once as UTF-8 keeping bad bytes as
    surrogates: a line with one is not UTF-8 (GBK); a line without is UTF-8 unless it holds a
    2-byte character (U+0080–U+07FF), and only such a line is weighed by `line_encoding`."""
    first: dict[str, int] = {}
    counts = {"utf-8": 0, "gbk": 0}
    line_no = 0
    carry = b""
    with path.open("rb") as fh:
        while True:
            block = fh.read(CHUNK_BYTES)
            data = carry + block
            if block:
                cut = data.rfind(b"\n") + 1
                data, carry = data[:cut], data[cut:]
            if line_no == 0:
                data = data.removeprefix(codecs.BOM_UTF8)
            lines = data.decode("utf-8", "surrogateescape").split("\n")
            if block:
                lines.pop()  # the chunk ends with a line break: nothing after it
            for text in lines:
                line_no += 1
                if text.isascii():
                    continue
                if _SURROGATE.search(text):
                    kind = "gbk"
                elif _BELOW_0800.search(text):
                    kind = line_encoding(text.encode("utf-8"))
                else:
                    kind = "utf-8"
                if kind is not None:
                    counts[kind] += 1
                    first.setdefault(kind, line_no)
            if not block:
                break
    if len(first) < 2:
        return None
    return MixedEncoding(first["utf-8"], first["gbk"], counts["utf-8"], counts["gbk"])


def _reader(fh) -> csv.reader:
    return csv.reader(fh, delimiter=",", quotechar='"', doublequote=True, strict=False)


def count_with_csv(path: Path, encoding: str) -> int:
    """Records after the header by Python's csv module (empty lines are not records); raises
    csv.Error for a file that ends inside a quoted value."""
    csv.field_size_limit(max(csv.field_size_limit(), 64 * MAX_VALUE_CHARS))
    encoding = "utf-8-sig" if encoding == "utf-8" else encoding
    with path.open(encoding=encoding, errors="replace", newline="") as fh:
        n = sum(1 for row in _reader(fh) if row)
    return max(n - 1, 0)


def record_lines(path: Path, encoding: str = "utf-8") -> list[int]:
    """The text line each record after the header starts on, in file order (a blank line is no
    record; a record with a line break inside quotes starts on its first line)."""
    csv.field_size_limit(max(csv.field_size_limit(), 64 * MAX_VALUE_CHARS))
    encoding = "utf-8-sig" if encoding == "utf-8" else encoding
    starts: list[int] = []
    with path.open(encoding=encoding, errors="replace", newline="") as fh:
        reader = _reader(fh)
        end = 0
        for values in reader:
            if values:
                starts.append(end + 1)
            end = reader.line_num
    return starts[1:]


@dataclass
class Problem:
    """The first place a CSV file breaks the rules: the row as Excel numbers it (the header is
    row 1), the text line it starts on, the column (header name) and the reason."""

    row: int
    line: int
    column: str
    reason: str

    def text(self) -> str:
        where = f"第 {self.row} 行"
        if self.line != self.row:
            where += f"（文本第 {self.line} 行）"
        if self.column:
            where += f"“{self.column}”列"
        return f"{where}：{self.reason}"


def diagnose(path: Path, encoding: str, found: Scan | None = None) -> Problem | None:
    """The first problem of a CSV file that a reader refused (None: nothing found here)."""
    if found is not None and found.line_ending == "mixed":
        line = _first_other_line_ending(path)
        return Problem(
            line, line, "", "文件中混用了不同的换行符（Windows 的 CRLF 与其他），无法确定行的边界"
        )
    csv.field_size_limit(MAX_VALUE_CHARS)
    with path.open(encoding=encoding, errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=",", quotechar='"', doublequote=True, strict=True)
        header: list[str] = []
        row = 0
        start = 1
        while True:
            start = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return None
            except csv.Error as exc:
                problem = _csv_problem(str(exc), row + 1, start, reader.line_num)
                problem.column = _column(header, _quote_field(path, encoding, problem.line))
                return problem
            if not values:
                continue
            row += 1
            if row == 1:
                header = [v.replace("\ufeff", "").strip() for v in values]
                continue
            if len(values) > len(header):
                return Problem(
                    row,
                    start,
                    "",
                    f"有 {len(values)} 个值，多于表头的 {len(header)} 列"
                    "（值中的逗号须用英文双引号括起）",
                )


def _column(header: list[str], index: int) -> str:
    return header[index] if 0 <= index < len(header) else ""


def _quote_field(path: Path, encoding: str, line: int) -> int:
    """The field (0-based) of text line `line` whose quote goes wrong: a quote left open at
    the end of the line, or a closing quote followed by something other than a comma; -1."""
    with path.open(encoding=encoding, errors="replace", newline="") as fh:
        text = next(itertools.islice(fh, line - 1, None), "")
    field, quoted, opened, i = 0, False, -1, 0
    at_start = True
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"' and text[i + 1 : i + 2] == '"':
                i += 1
            elif ch == '"':
                quoted = False
                if text[i + 1 : i + 2] not in ("", ",", "\r", "\n"):
                    return field
        elif ch == '"' and at_start:
            quoted, opened = True, field
        elif ch == ",":
            field += 1
            at_start = True
            i += 1
            continue
        at_start = False
        i += 1
    return opened if quoted else -1


def _csv_problem(message: str, row: int, start: int, line: int) -> Problem:
    if "field larger than field limit" in message:
        reason = f"一个值超过 {MAX_VALUE_CHARS // 1024 // 1024} MB，可能是引号未闭合或缺少换行符"
        return Problem(row, start, "", reason)
    if "unexpected end of data" in message or "EOF" in message:
        return Problem(
            row,
            start,
            "",
            "引号未闭合：从这一行开始的英文双引号直到文件末尾都没有结束",
        )
    if "NUL" in message or "null byte" in message:
        return Problem(row, line, "", "含有空字符（NUL），文件可能已损坏或不是文本文件")
    if "expected after" in message:
        return Problem(
            row,
            line,
            "",
            "英文双引号用法不对：引号括起的值后面只能是逗号或换行，值中的引号须写成两个引号",
        )
    return Problem(row, start, "", "不符合 CSV 格式")


def _first_other_line_ending(path: Path) -> int:
    """The text line whose ending differs from the first line's (outside nothing: a plain
    scan is enough to point at it)."""
    with path.open("rb") as fh:
        lines = fh.read(CHUNK_BYTES).splitlines(keepends=True)
    first = _ending(lines[0]) if lines else b""
    for number, line in enumerate(lines, start=1):
        if _ending(line) and _ending(line) != first:
            return number
    return 1


def _ending(line: bytes) -> bytes:
    for e in (b"\r\n", b"\n", b"\r"):
        if line.endswith(e):
            return e
    return b""
