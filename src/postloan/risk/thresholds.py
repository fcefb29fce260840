"""The early-warning thresholds in force: the latest saved version over the engine's defaults."""

import dataclasses
from decimal import Decimal
from typing import Any


def thresholds_class():
    """The engine's frozen `Thresholds` dataclass (None while the engine is not installed)."""
    try:
        from postloan.risk.engine.thresholds import Thresholds
    except ImportError:
        try:
            from postloan.risk.engine import Thresholds
        except ImportError:
            return None
    return Thresholds


def default_values() -> dict[str, Any]:
    cls = thresholds_class()
    if cls is None:
        return {}
    return {f.name: _jsonable(getattr(cls(), f.name)) for f in dataclasses.fields(cls)}


def current_values() -> dict[str, Any]:
    from postloan.risk.models import ThresholdVersion

    values = default_values()
    version = ThresholdVersion.current()
    if version is not None:
        values.update({k: v for k, v in version.values.items() if not values or k in values})
    return values


def current_thresholds():
    """A `Thresholds` instance for the engine, or None when the engine is not installed."""
    cls = thresholds_class()
    if cls is None:
        return None
    values = current_values()
    if hasattr(cls, "from_dict"):
        return cls.from_dict(values)
    return cls(**values)


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | frozenset | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value
