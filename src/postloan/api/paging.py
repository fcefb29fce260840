"""What every router of the API shares: paging, the error responses, the token scopes."""

from __future__ import annotations

from ninja import Query
from ninja.errors import HttpError
from ninja.security import django_auth

from postloan.api import schemas as s
from postloan.api.auth import ApiTokenAuth
from postloan.api.models import Scope

IMPORT_AUTH = [ApiTokenAuth(Scope.IMPORT), django_auth]
SIGNALS_AUTH = [ApiTokenAuth(Scope.SIGNALS), django_auth]

Limit = Query(50, ge=1, le=500, description="每页条数（1–500）")
Offset = Query(0, ge=0, le=10_000_000, description="跳过条数")
ERRORS = {401: s.Message, 403: s.Message, 404: s.Message}


def reject_nul(**values) -> None:
    for name, value in values.items():
        if isinstance(value, str) and "\x00" in value:
            raise HttpError(422, f"参数 {name} 含有非法字符")


def page(qs, limit: int, offset: int) -> dict:
    return {"count": qs.count(), "items": list(qs[offset : offset + limit])}


class Page(s.Schema):
    count: int


def page_of(item: type[s.Schema], name: str) -> type[Page]:
    """The schema of one page of `item` rows: `count` and `items` (named `name` in OpenAPI)."""
    return type(name, (Page,), {"__annotations__": {"items": list[item]}, "__module__": __name__})
