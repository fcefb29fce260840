"""Figures the pages compute over a whole visible portfolio, cached until the data changes.

A figure is cached under (what it is, the query it runs, the *data version*). Nothing is ever
invalidated by hand: when the data changes, the version changes and the old entries are simply
no longer asked for (they expire with the cache's TIMEOUT).

The data version is read from the database with one small query per use, so every gunicorn
process sees a change at once:

- the bank's business date;
- the latest audit event, and how many of the latest 1,000 ids exist — every action, admin
  change, screening, worklist plan and resolution check writes one in the same transaction as its
  change (style rule 4), so a person's own action changes the version before their next page is
  drawn;
- the latest import batch and when the latest one finished (bulk facts — balances, schedules,
  transactions — are versioned by their batch rather than audited row by row);
- the latest screening run and when the latest one finished.

Two safeguards on top:

- a per-process counter bumped by every ORM save/delete of the bank's models and by the
  importer's `import_completed`, for writes that bypass the actions (tests, the shell);
- nothing is read from or written to the cache inside a transaction (an atomic block): a
  transaction may see rows that are later rolled back, and must see its own writes.

The cache is Django's ``default`` cache (``settings.CACHES``: local memory per process).
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.functional import cached_property

T = TypeVar("T")

PREFIX = "postloan.figures"

# (model, fields whose MAX is part of the data version). Models of apps that are not installed
# are skipped, so core depends on the other apps by name only.
VERSION_SOURCES = (
    ("core.BusinessDate", ("as_of",)),
    ("core.AuditEvent", ("id",)),
    ("ingest.ImportBatch", ("id", "finished_at")),
    ("risk.ScreeningRun", ("id", "finished_at")),
)

# On PostgreSQL an audit row's id is taken at insert and becomes visible at commit, so a row may
# appear below the latest id; counting the rows among the latest ids sees such a straggler.
# (Imports and screenings, the long transactions, change their batch's or run's finished_at.)
RECENT_AUDIT_IDS = 1000

# Apps whose rows the cached figures read; an ORM write to any of their models bumps the
# per-process counter.
WATCHED_APPS = frozenset({"core", "org", "portfolio", "ingest", "risk", "worklist", "meetings"})

_local_changes = 0
_MISSING = object()


def _version_sql() -> str:
    qn = connection.ops.quote_name
    parts = []
    for label, fields in VERSION_SOURCES:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        table = qn(model._meta.db_table)
        for name in fields:
            column = qn(model._meta.get_field(name).column)
            parts.append(f"(SELECT MAX({column}) FROM {table})")
        if label == "core.AuditEvent":
            pk = qn(model._meta.pk.column)
            parts.append(
                f"(SELECT COUNT(*) FROM {table} WHERE {pk} > "
                f"(SELECT MAX({pk}) FROM {table}) - {RECENT_AUDIT_IDS})"
            )
    return "SELECT " + ", ".join(parts)


def data_version() -> tuple:
    """What the data looks like now, in one query: changes whenever the data does."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        row = cursor.fetchone()
    return (*row, _local_changes)


def query_key(qs: QuerySet) -> tuple:
    """A queryset's SQL and parameters: two querysets with the same key return the same rows."""
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # a filter no row can match (e.g. a user who sees nothing)
        return (qs.db, qs.model._meta.label, "nothing")
    return (qs.db, sql, tuple(str(p) for p in params))


def caching_enabled() -> bool:
    return not transaction.get_connection().in_atomic_block


def remember(key: tuple, compute: Callable[[], T]) -> T:
    """The value `compute()` returns, computed once per `key` and data version."""
    if not caching_enabled():
        return compute()
    digest = hashlib.sha256(repr((key, data_version())).encode()).hexdigest()
    name = f"{PREFIX}:{digest}"
    value = cache.get(name, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(name, value)
    return value


def cached_count(qs: QuerySet) -> int:
    """`qs.count()`, cached per query (whatever its order) and data version."""
    return remember(("count", query_key(qs.order_by())), qs.count)


class CachedCountPaginator(Paginator):
    """A paginator whose total (a COUNT over the whole filtered list) is cached."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return cached_count(self.object_list)
        return super().count


def note_change(sender=None, **kwargs) -> None:
    """Bump the per-process part of the data version (receiver of the model signals)."""
    global _local_changes
    app_label = getattr(getattr(sender, "_meta", None), "app_label", None)
    if app_label is not None and app_label not in WATCHED_APPS:
        return
    if kwargs.get("action", "post_").startswith("pre_"):  # m2m_changed sends pre_ and post_
        return
    _local_changes += 1


def connect() -> None:
    """Watch ORM writes in this process (called from the web app's ready(), which also hooks
    `import_completed` to `note_change`)."""
    post_save.connect(note_change, dispatch_uid="postloan_cache_post_save")
    post_delete.connect(note_change, dispatch_uid="postloan_cache_post_delete")
    m2m_changed.connect(note_change, dispatch_uid="postloan_cache_m2m_changed")
