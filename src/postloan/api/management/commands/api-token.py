"""`postloan api-token create USERNAME --scope read [--scope import …] [--days 90]` (prints the
token once) · `list` · `revoke ID`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from postloan.api.models import ApiToken, Scope
from postloan.api.tokens import TokenRequestError, default_days, issue_token, revoke_token

SCOPES_HELP = "，".join(f"{s.value}（{s.label}）" for s in Scope)


class Command(BaseCommand):
    help = "管理接口令牌：create 用户名 --scope 权限范围（令牌只显示这一次）、list、revoke 编号"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="为用户生成令牌")
        create.add_argument("username")
        create.add_argument(
            "--scope",
            action="append",
            choices=Scope.values,
            required=True,
            help=f"权限范围，可重复：{SCOPES_HELP}",
        )
        create.add_argument(
            "--days", type=int, default=None, help=f"有效天数，默认 {default_days()} 天"
        )
        create.add_argument("--name", default="", help="用途说明")
        sub.add_parser("list", help="列出令牌（不含令牌本身）")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args, **options):
        action = options["action"]
        if action == "create":
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"用户不存在：{options['username']}")
            if not user.is_active:
                raise CommandError(f"用户已停用：{user.username}")
            try:
                token, raw = issue_token(
                    user, scopes=options["scope"], days=options["days"], name=options["name"]
                )
            except TokenRequestError as exc:
                raise CommandError(str(exc)) from exc
            self.stderr.write(
                f"已为 {user.username} 生成令牌 #{token.pk}（{token.scope_labels()}，"
                f"有效期至 {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}），"
                "请立即保存（不会再次显示）："
            )
            self.stdout.write(raw)
        elif action == "list":
            now = timezone.now()
            for t in ApiToken.objects.select_related("user"):
                state = t.state_label(now)
                if t.revoked:
                    state += f" {timezone.localtime(t.revoked):%Y-%m-%d %H:%M}"
                expires = f"{timezone.localtime(t.expires_at):%Y-%m-%d}" if t.expires_at else "无"
                used = (
                    f"{timezone.localtime(t.last_used):%Y-%m-%d %H:%M}" if t.last_used else "未使用"
                )
                self.stdout.write(
                    f"#{t.pk}\t{t.user.username}\t{t.hint}…\t{state}\t{t.scope_labels()}\t"
                    f"到期 {expires}\t最近使用 {used}\t{t.name}"
                )
        else:
            token = ApiToken.objects.filter(pk=options["token_id"]).first()
            if token is None:
                raise CommandError(f"令牌不存在：#{options['token_id']}")
            revoke_token(token)
            self.stdout.write(f"已吊销令牌 #{token.pk}")
