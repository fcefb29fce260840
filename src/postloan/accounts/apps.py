from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "postloan.accounts"
    label = "accounts"
    verbose_name = "身份鉴别"

    def ready(self) -> None:
        from postloan.accounts import authlog  # noqa: F401 - connects the login/logout signals
