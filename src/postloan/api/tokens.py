"""Issuing, checking and revoking API tokens (each change is in the audit trail).

A token carries scopes (`Scope`: 查询 read, 数据导入 import, 预警处置 signals) and an expiry
(POSTLOAN_API_TOKEN_DAYS, at most POSTLOAN_API_TOKEN_MAX_DAYS); an expired or revoked token
authenticates nobody. `last_used` is kept to the minute.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from postloan.api.models import ApiToken, Scope, hash_token
from postloan.core.audit import record

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenRequestError(ValueError):
    """A token cannot be issued as asked (the message says why, in Chinese)."""


def default_days() -> int:
    return int(getattr(settings, "POSTLOAN_API_TOKEN_DAYS", 90))


def max_days() -> int:
    return int(getattr(settings, "POSTLOAN_API_TOKEN_MAX_DAYS", 365))


def issue_token(
    user, *, scopes, days: int | None = None, name: str = "", acting_user=None
) -> tuple[ApiToken, str]:
    """Create a token for `user` with `scopes`, valid `days` days; returns the row and the
    secret (shown once, never stored)."""
    scopes = sorted(set(scopes))
    unknown = [s for s in scopes if s not in Scope.values]
    if not scopes or unknown:
        allowed = "、".join(f"{s.value}（{s.label}）" for s in Scope)
        raise TokenRequestError(f"请指定令牌的权限范围：{allowed}")
    days = default_days() if days is None else days
    if not 1 <= days <= max_days():
        raise TokenRequestError(f"有效期须在 1 至 {max_days()} 天之间")
    raw = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        token_hash=hash_token(raw),
        hint=raw[:12],
        scopes=scopes,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    record(
        actor=acting_user,
        action="api.issue_token",
        obj=token,
        after={
            "user": user.get_username(),
            "hint": token.hint,
            "name": token.name,
            "scopes": scopes,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, raw


def revoke_token(token: ApiToken, *, acting_user=None) -> ApiToken:
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
        record(
            actor=acting_user,
            action="api.revoke_token",
            obj=token,
            before={"revoked": None},
            after={"revoked": token.revoked.isoformat()},
        )
    return token


def token_for(raw: str) -> ApiToken | None:
    """The valid token (unrevoked, unexpired, of an active user) for a secret, else None."""
    if not raw or len(raw) > 200:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used is None or now - token.last_used > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token


def user_for_token(raw: str):
    """The active user of a valid token, else None."""
    token = token_for(raw)
    return token.user if token is not None else None
