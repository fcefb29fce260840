"""The registry of resolution types, like the engine's `@rule` functions.

A type is one module of this package with one `ResolutionKind` subclass: its code and Chinese
name, its parameters (the form's fields and how each is normalised), the wording in the
minutes, the facts its check reads, and its verdict. Subclassing registers it; `kinds()` loads
every module of the package, so a new type is one file (and one test). The model's choices, the
`ResolutionType` vocabulary, `resolution_types.clean_params`, `verification.judge` and the
resolution form all read this registry.
"""

import datetime as dt
import importlib
import pkgutil
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import ClassVar

from django.utils.translation import gettext_lazy

from postloan.core.formats import punctuation, round_half_up
from postloan.meetings.errors import MeetingError

ZERO = Decimal("0")

# The verdicts of `ResolutionKind.judge`: proven executed, disproven, or not proven yet (the
# status stays — an open resolution past its deadline becomes overdue).
VERIFIED, FAILED, UNPROVEN = True, False, None


@dataclass(frozen=True)
class Param:
    """One element of a resolution: the form field `name`, its label, its kind.

    kind: "money" (元, two places), "date", "ratio" (percent typed, fraction stored), "text",
    "class" (a 五级分类)."""

    name: str
    label: str
    kind: str = "text"


@dataclass(frozen=True)
class Case:
    """What a verdict reads of one resolution (the row, the day checked, the facts)."""

    res: object
    facts: object
    as_of: dt.date

    @property
    def params(self) -> dict:
        return self.res.params or {}

    @property
    def customer_id(self) -> str:
        return self.res.customer_id

    @property
    def past_deadline(self) -> bool:
        return self.as_of > self.res.deadline

    @property
    def balance(self) -> Decimal:
        return self.facts.balance.get(self.res.customer_id) or ZERO


class ResolutionKind:
    """One type of resolution. Subclasses set the class attributes and may override the three
    methods; defining the subclass registers it."""

    code: ClassVar[str]
    label: ClassVar[str]
    order: ClassVar[int]
    params: ClassVar[tuple[Param, ...]] = ()
    facts: ClassVar[tuple[str, ...]] = ()  # the `verification.Facts` fields `judge` reads

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.code in _KINDS:
            raise RuntimeError(f"决议类型重复：{cls.code}")
        _KINDS[cls.code] = cls()

    def clean(self, p: dict, text: str, deadline: dt.date) -> dict:
        """The normalised (JSON-safe) params; a `MeetingError` names what is missing or wrong."""
        return {}

    def wording(self, p: dict) -> str:
        """How the resolution reads in the minutes, before its free text."""
        return self.label

    def with_details(self, *details) -> str:
        """The name with the elements given (empty ones left out): 补充担保（金额…，保证人…）."""
        return f"{self.label}（{'，'.join(d for d in details if d)}）"

    def judge(self, case: Case) -> tuple[bool | None, str]:
        """(verdict, explanation) under the facts: VERIFIED, FAILED or UNPROVEN."""
        return UNPROVEN, case.res.check_detail or "需责任人报告执行情况"


_KINDS: dict[str, ResolutionKind] = {}
_LOADED: list[bool] = []


def kinds() -> list[ResolutionKind]:
    """Every type, in the order the bank lists them."""
    if not _LOADED:
        for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
            if module.name != "registry":
                importlib.import_module(f"{__package__}.{module.name}")
        _LOADED.append(True)
    return sorted(_KINDS.values(), key=lambda k: k.order)


def get(code: str) -> ResolutionKind:
    kinds()
    try:
        return _KINDS[code]
    except KeyError:
        raise MeetingError("决议类型不正确") from None


def choices() -> list[tuple[str, str]]:
    """(code, Chinese name) of every type: the model field's and the form's choices (the names
    marked with gettext_noop in each type's module, read through gettext_lazy here)."""
    return [(k.code, gettext_lazy(k.label)) for k in kinds()]


def all_params() -> list[Param]:
    """Every parameter of every type once, in the types' order (the form's fields)."""
    seen: dict[str, Param] = {}
    for kind in kinds():
        for param in kind.params:
            seen.setdefault(param.name, param)
    return list(seen.values())


def clean_params(rtype: str, params: dict, text: str, deadline: dt.date) -> dict:
    """Validate a resolution's elements; return the normalised params (JSON-safe)."""
    p = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    return get(rtype).clean(p, text, deadline)


def describe(resolution) -> str:
    """The resolution as the minutes write it: its wording, then its free text."""
    kinds()
    kind = _KINDS.get(resolution.type)
    core = kind.wording(resolution.params or {}) if kind else resolution.get_type_display()
    text = resolution.text
    return punctuation(f"{core}{('。' + text.strip()) if text else ''}")


def judge(res, facts, as_of: dt.date) -> tuple[bool | None, str]:
    """The verdict of the resolution's own type (a type no longer registered: unproven)."""
    kinds()
    return _KINDS.get(res.type, _UNREGISTERED).judge(Case(res, facts, as_of))


_UNREGISTERED = ResolutionKind()


# ─── how parameters are read (shared by the types) ──────────────────────────────────────────


def money(value, label) -> str | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", ""))
    except InvalidOperation as exc:
        raise MeetingError(f"{label}格式不正确") from exc
    if amount < 0:
        raise MeetingError(f"{label}不能为负数")
    return str(round_half_up(amount, 2))


def date(value, label) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise MeetingError(f"{label}格式不正确，应为YYYY-MM-DD") from exc


def ratio(value, label) -> str | None:
    """A share typed as "65", "65%" or "0.65" → "0.6500"."""
    if value in (None, ""):
        return None
    try:
        share = Decimal(str(value).rstrip("%"))
    except InvalidOperation as exc:
        raise MeetingError(f"{label}格式不正确") from exc
    if share > 1:
        share = share / 100
    if not 0 < share <= 1:
        raise MeetingError(f"{label}应在0到100%之间")
    return str(round_half_up(share, 4))


def facts_of(code: str) -> tuple[str, ...]:
    """The facts the check of a type reads (none for a type no longer registered)."""
    kinds()
    kind = _KINDS.get(code)
    return kind.facts if kind else ()
