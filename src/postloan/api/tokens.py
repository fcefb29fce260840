"""Issuing, checking and revoking API tokens (each change is in the audit trail)."""

import datetime as dt

from django.utils import timezone

from postloan.api.models import ApiToken, hash_token
from postloan.core.audit import record

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def issue_token(user, *, name: str = "", acting_user=None) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the secret (shown once, never stored)."""
    raw = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user, name=name[:100], token_hash=hash_token(raw), hint=raw[:12]
    )
    record(
        actor=acting_user,
        action="api.issue_token",
        obj=token,
        after={"user": user.get_username(), "hint": token.hint, "name": token.name},
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


def user_for_token(raw: str):
    """The active user of a valid, unrevoked token, else None."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user
