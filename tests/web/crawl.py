"""A crawler of the pages a person sees: from the left navigation, breadth-first, following the
links (and HTMX fragments) of every page, a few URLs per URL pattern.

Each page is checked for a server error (status ≥ 500) and, when it is HTML, for codes leaking
to a person in its visible text (`leaks`): Python reprs, snake_case identifiers, English words,
bare None/True/False, characters lost as "?". Used by tests/web/test_crawl.py on the S demo bank.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve

# Never followed: they change state on GET or leave the app (logout is a POST anyway).
SKIP_PREFIXES = ("/logout/", "/static/", "/media/", "/api/", "/admin/")
SKIP_URL_NAMES = {"login"}
HTML_TYPES = ("text/html",)

# --- leak detectors over visible text -------------------------------------------------------

# Latin words a person legitimately reads in the Chinese UI.
ALLOWED_WORDS = {
    "PostLoan",
    "SHA",
    "Excel",
    "Word",
    "PowerPoint",
    "Office",
    "PDF",
    "CSV",
    "ZIP",
    "JSON",
    "API",
    "HTMX",
    "MB",
    "KB",
    "GB",
    "TB",
    "GB/T",
    "DPD",
    "LTV",
    "ECL",
    "VAT",
    "ID",
    "IP",
    "A4",
    "XS",
    "XLSX",
    "Parquet",
}
# A file's extension where the text names it (会议纪要（.docx）).
EXTENSIONS = {"csv", "xlsx", "docx", "pdf", "zip", "json", "parquet"}
# Identifiers people cite: customer, loan, event, batch numbers (C000123, L000001, EV0000022).
CODE = re.compile(r"^[A-Z]$|^[A-Z]{1,5}\d[\dA-Z]*(-\d+)?$")
DIGEST = re.compile(r"^[0-9a-f]{64}$")  # a signed record's SHA-256, shown to be checked
FILE_NAME = re.compile(r"^[\w.-]+\.(csv|xlsx|docx|pdf|zip|json|sqlite3|txt|parquet)$", re.I)
# Python's \b sees Chinese characters as word characters: ASCII boundaries instead.
_B, _E = r"(?<![A-Za-z0-9_])", r"(?![A-Za-z0-9_])"
FILE_NAMES = re.compile(
    r"(?<![A-Za-z0-9_])[\w-]+\.(?:csv|xlsx|docx|pdf|zip|json|sqlite3|txt|parquet)(?![A-Za-z0-9])"
)
RULE_ID = re.compile(_B + r"(?:EW|CLS)-[A-Z0-9]+(?:-[A-Z0-9]+)*" + _E)
# Where a rule id may stand: its small tag (class "rule-id"), or an option of a rule picker.
RULE_ID_CLASSES = {"rule-id", "<option>"}

REPR = re.compile(
    r"(\{'|\['|'\]|'\}|Decimal\(|datetime\.|<[\w.]+ object at 0x|object at 0x|"
    r"QuerySet|dict_keys\(|defaultdict\(|&lt;|&gt;|&amp;|" + _B + r"NaN" + _E + ")"
)
SNAKE = re.compile(_B + r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+" + _E)
BARE = re.compile(_B + r"(None|True|False|null|true|false|undefined|nan)" + _E)
LOST = re.compile(r"(?<=[\u2e80-\uffff])\?|\?(?=[\u2e80-\uffff])|\ufffd")
WORD = re.compile(_B + r"[A-Za-z][A-Za-z0-9]*(?:[-_./][A-Za-z0-9]+)*" + _E)


@dataclass
class Leak:
    url: str
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.url}  [{self.kind}]  {self.text[:160]}"


class _Page(HTMLParser):
    """Visible text nodes (with the classes of the elements around them) and the links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[tuple[str, set[str]]] = []
        self.links: list[tuple[str, bool]] = []  # (url, is an HTMX fragment)
        self._stack: list[tuple[str, set[str]]] = []
        self._hidden = 0
        self._form: dict | None = None  # the GET form being read: action and its fields
        self._select: str | None = None

    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base"}
    HIDDEN = {"script", "style", "template", "noscript"}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append((a["href"], False))
        self._read_form(tag, a)
        for key in ("hx-get",):
            if a.get(key):
                self.links.append((a[key], True))
        if tag in self.VOID:
            return
        classes = set((a.get("class") or "").split())
        self._stack.append((tag, classes))
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self._stack and self._stack[-1][0] == tag:
            self._stack.pop()

    def _read_form(self, tag, a):
        """A GET form (filters, 生成计划) is a link too: submitted with its pre-filled values."""
        if tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = (
                {"action": a.get("action") or "", "fields": []} if method == "get" else None
            )
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self._form["fields"].append((a["name"], a.get("value") or ""))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"].append((a["name"], None))  # the selected (or first) option
        elif tag == "option" and self._select:
            fields = self._form["fields"]
            name, value = fields[-1]
            if value is None or "selected" in a:
                fields[-1] = (name, a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form" and self._form is not None:
            from urllib.parse import urlencode

            query = urlencode([(k, v or "") for k, v in self._form["fields"]])
            self.links.append((f"{self._form['action'] or '?'}?{query}".replace("??", "?"), False))
            self._form = None
        if tag in self.VOID:
            return
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                for t, _ in self._stack[i:]:
                    if t in self.HIDDEN:
                        self._hidden -= 1
                del self._stack[i:]
                break

    def handle_data(self, data):
        if self._hidden or not data.strip():
            return
        classes = set().union(*(c | {f"<{t}>"} for t, c in self._stack)) if self._stack else set()
        self.texts.append((data.strip(), classes))


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def leaks_in(url: str, page: _Page) -> list[Leak]:
    found = []
    for text, classes in page.texts:
        found.extend(Leak(url, kind, text) for kind in text_leaks(text, classes))
    return found


def text_leaks(text: str, classes: set[str] = frozenset()) -> list[str]:
    """The kinds of leak in one visible text node ([] when it reads as the bank's words)."""
    kinds = []
    if REPR.search(text):
        kinds.append("Python repr")
    if LOST.search(text):
        kinds.append("字符丢失为 ?")
    if not classes & RULE_ID_CLASSES and RULE_ID.search(text):
        kinds.append("规则编号不在小标签中")
    rest = FILE_NAMES.sub(" ", RULE_ID.sub(" ", text))  # file names are read as they are
    if SNAKE.search(rest):
        kinds.append("snake_case")
    if BARE.search(rest):
        kinds.append("None/True/False")
    words = [w for w in (m.group(0) for m in WORD.finditer(rest)) if not _allowed_word(w, rest)]
    if words and "snake_case" not in kinds:
        kinds.append("English: " + " ".join(words[:5]))
    return kinds


def _allowed_word(word: str, text: str) -> bool:
    """Allowed: a word of ALLOWED_WORDS, a code people cite (C000123, JJ2026000001, SHA-256,
    GB/T 2260), a file name (customers.csv)."""
    if word in ALLOWED_WORDS or CODE.match(word) or FILE_NAME.match(word) or DIGEST.match(word):
        return True
    if word.lower() in EXTENSIONS and f".{word}" in text:
        return True
    head = re.split(r"[-/]", word)[0]
    return head in ALLOWED_WORDS and bool(re.fullmatch(r"[A-Za-z]+[-/][A-Z0-9]+", word))


# --- the crawl ----------------------------------------------------------------------------


@dataclass
class Visit:
    url: str
    url_name: str
    status: int
    seconds: float
    html: bool


@dataclass
class CrawlResult:
    username: str
    visits: list[Visit] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # 5xx
    leaks: list[Leak] = field(default_factory=list)

    def slowest(self, n: int = 5) -> list[Visit]:
        return sorted(self.visits, key=lambda v: -v.seconds)[:n]


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(
    client,
    username: str,
    start: list[str],
    per_pattern: int = 3,
    max_pages: int = 400,
    downloads_per_pattern: int = 1,
    downloads_seen: set[str] | None = None,
) -> CrawlResult:
    """Visit `start` and every in-app link reachable from it, at most `per_pattern` URLs per
    resolved URL name (`downloads_per_pattern` for files such as .docx/.xlsx/.pdf).

    `downloads_seen`, shared between the crawls of several roles, fetches each file pattern once
    for all of them (a PDF takes seconds to render; pages are what differ between roles)."""
    result = CrawlResult(username)
    downloads_seen = set() if downloads_seen is None else downloads_seen
    queue: deque[tuple[str, bool]] = deque((u, False) for u in start)
    seen: set[str] = set()
    per_name: dict[str, int] = defaultdict(int)
    while queue and len(result.visits) < max_pages:
        raw, fragment = queue.popleft()
        url = urldefrag(raw)[0]
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if url in seen or parts.path.startswith(SKIP_PREFIXES):
            continue
        name = _url_name(parts.path)
        if name is None or name in SKIP_URL_NAMES:
            continue
        download = bool(re.search(r"\.(docx|xlsx|pdf|zip|csv)$", parts.path)) or (
            "export" in name or "download" in name
        )
        limit = downloads_per_pattern if download else per_pattern
        key = name + ("?" if parts.query and not download else "")
        if per_name[key] >= limit or (download and name in downloads_seen):
            continue
        if download:
            downloads_seen.add(name)
        seen.add(url)
        per_name[key] += 1
        headers = {"HTTP_HX_REQUEST": "true"} if fragment else {}
        clock = time.perf_counter()
        try:
            response = client.get(url, **headers)
        except Exception as exc:  # the test client re-raises a view's exception: a 500
            result.visits.append(Visit(url, name, 500, time.perf_counter() - clock, False))
            result.errors.append(f"{url} → 500 {type(exc).__name__}: {exc}"[:400])
            continue
        seconds = time.perf_counter() - clock
        content_type = response.get("Content-Type", "")
        is_html = content_type.startswith(HTML_TYPES)
        result.visits.append(Visit(url, name, response.status_code, seconds, is_html))
        if response.status_code >= 500:
            result.errors.append(f"{url} → {response.status_code}")
            continue
        if not is_html or response.status_code in (301, 302):
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        page = parse(body.decode("utf-8", errors="replace"))
        result.leaks.extend(leaks_in(url, page))
        for link, is_fragment in page.links:
            if link.startswith("?"):
                link = parts.path + link
            elif not link.startswith("/"):
                continue
            queue.append((link, is_fragment))
    return result
