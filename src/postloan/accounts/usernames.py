"""One spelling of a user name for login, throttling and lock-out alike.

`normalize_username` is applied once to whatever was typed: Unicode NFKC (full-width
`ｍｅｍｂｅｒ` → `member`), surrounding white space removed (spaces, tabs), case folded.
New user names must already be in that form (`check_new_username`), so one normalised name
is one account.
"""

from __future__ import annotations

import unicodedata

from django.contrib.auth import get_user_model
from django.db.models import Q


def _nfkc_trimmed(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw or "").strip()


def normalize_username(raw: str | None) -> str:
    return _nfkc_trimmed(raw or "").casefold()[:150]


def find_user(raw: str | None):
    """The one user whose name normalises to the same as `raw`, else None (also if ambiguous)."""
    key = normalize_username(raw)
    if not key:
        return None
    User = get_user_model()
    exact = User._default_manager.filter(username=key).first()
    if exact is not None:
        return exact
    candidates = [
        u
        for u in User._default_manager.filter(
            Q(username__iexact=key) | Q(username__iexact=_nfkc_trimmed(raw or ""))
        )
        if normalize_username(u.username) == key
    ]
    return candidates[0] if len(candidates) == 1 else None


def username_problem(username: str, *, exclude_pk=None) -> str:
    """Why a new or renamed user name cannot be used (Chinese), or "" if it can. A name that
    differs from an existing one only in case, width or surrounding spaces is named as taken
    first (`Member` beside `member`); the database refuses it too (a unique index on
    lower(trim(username)), migration accounts 0002)."""
    key = normalize_username(username)
    User = get_user_model()
    others = User._default_manager.filter(
        Q(username__iexact=key) | Q(username__iexact=_nfkc_trimmed(username))
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = next((u.username for u in others if normalize_username(u.username) == key), None)
    if taken is not None:
        return (
            f"已有用户名“{taken}”，与“{username.strip()}”仅大小写、全角半角或首尾空格不同，"
            "视为同一用户名；请换一个用户名。"
        )
    if username != key:
        return f"用户名请使用半角小写字符，且首尾不能有空格（例如 “{key}”）。"
    return ""
