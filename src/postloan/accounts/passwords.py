"""The password policy (等保三级): length, character classes, history, expiry, forced change.

Validators (AUTH_PASSWORD_VALIDATORS) check a new password wherever Django sets one through a
form (own change, the admin's add-user and set-password pages). `password_changed` of the
history validator runs on every save of a new password, whatever the path, and records it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from postloan.accounts.models import AccountSecurity, PasswordHistory
from postloan.core.audit import record

CHARACTER_CLASSES = (
    ("大写字母", str.isupper),
    ("小写字母", str.islower),
    ("数字", str.isdigit),
    ("符号", lambda ch: not ch.isalnum() and not ch.isspace()),
)


# Django's own rules with their messages in the bank's Chinese whatever the browser's language
# (Django 5.2 has no Chinese for the length rule at all).


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError(self.get_help_text(), code="password_too_similar") from exc

    def get_help_text(self):
        return "密码不能与用户名、姓名或邮箱过于相似。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return "这个密码太常见，容易被猜中，请换一个。"

    def get_help_text(self):
        return "密码不能是常见密码。"


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self):
        return "密码不能全部是数字。"

    def get_help_text(self):
        return self.get_error_message()


class CharacterClassesValidator:
    """At least `min_classes` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(any(test(ch) for ch in password) for _name, test in CHARACTER_CLASSES)
        if found < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        names = "、".join(name for name, _test in CHARACTER_CLASSES)
        return f"密码须至少包含{names}中的 {self.min_classes} 类。"


class PasswordHistoryValidator:
    """None of the user's last `count` passwords may be used again; every new one is recorded."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[
                : self.count
            ]
        )
        current = (
            get_user_model()._default_manager.filter(pk=user.pk).values_list("password", flat=True)
        )
        hashes += [h for h in current if h not in hashes]
        if any(check_password(password, encoded) for encoded in hashes if encoded):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            remember_password(user, keep=self.count)

    def get_help_text(self):
        return f"新密码不能与最近 {self.count} 次使用过的密码相同。"


def remember_password(user, *, keep: int = 5) -> None:
    """Record that `user` now has the password `user.password` (history and clock)."""
    now = timezone.now()
    with transaction.atomic():
        AccountSecurity.objects.update_or_create(
            user_id=user.pk, defaults={"password_changed_at": now}
        )
        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        stale = PasswordHistory.objects.filter(user_id=user.pk).values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()


def security_of(user) -> AccountSecurity:
    """The user's row; created (clock started now) for accounts older than this module."""
    sec, _ = AccountSecurity.objects.get_or_create(
        user_id=user.pk, defaults={"password_changed_at": timezone.now()}
    )
    return sec


def max_age_days() -> int:
    return int(getattr(settings, "POSTLOAN_PASSWORD_MAX_AGE_DAYS", 90))


def change_required(user) -> str:
    """Why `user` must change their password before working (Chinese), or "" if not."""
    sec = security_of(user)
    if sec.demo:
        return ""
    if sec.must_change_password:
        return "该账号的密码由系统管理员设置（首次登录或重置后），请先修改密码。"
    days = max_age_days()
    changed = sec.password_changed_at
    if days and changed is not None and timezone.now() - changed > dt.timedelta(days=days):
        return f"密码已超过 {days} 天未修改，请修改密码后继续使用。"
    return ""


@transaction.atomic
def _set_must_change(user, value: bool, *, acting_user, action: str, reason: str) -> None:
    sec = security_of(user)
    before = sec.must_change_password
    if before != value:
        sec.must_change_password = value
        sec.save(update_fields=["must_change_password"])
    record(
        actor=acting_user,
        action=action,
        obj=user,
        object_type="auth.user",
        before={"must_change_password": before},
        after={"must_change_password": value},
        reason=reason,
    )


def require_password_change(user, *, acting_user, reason: str) -> None:
    """An administrator created the account or set its password: the user must change it."""
    _set_must_change(
        user,
        True,
        acting_user=acting_user,
        action="accounts.require_password_change",
        reason=reason,
    )


def password_changed_by_user(user) -> None:
    """The user set their own new password: nothing more is required of them."""
    _set_must_change(
        user, False, acting_user=user, action="accounts.change_password", reason="用户本人修改密码"
    )


def mark_demo_account(user) -> None:
    """A login `postloan demo` created on its own demo database (no forced change, no expiry)."""
    AccountSecurity.objects.update_or_create(user_id=user.pk, defaults={"demo": True})
