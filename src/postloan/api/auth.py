"""Token authentication for the API: `Authorization: Bearer plk_…`, checked against the
operation's scope; and the login the interactive docs and the OpenAPI document require."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext
from ninja.security import HttpBearer

from postloan.api.models import Scope
from postloan.api.tokens import token_for


class ApiTokenAuth(HttpBearer):
    """A valid token whose scopes include `scope`; a valid token without it is refused (403)."""

    openapi_description = "postloan api-token create 用户名 --scope … 生成的令牌"

    def __init__(self, scope: str = Scope.READ):
        super().__init__()
        self.scope = Scope(scope)

    def authenticate(self, request, token):
        found = token_for(token)
        if found is None:
            return None
        if self.scope.value not in found.scopes:
            raise PermissionDenied(
                gettext("该接口令牌没有「%(scope)s」权限范围") % {"scope": self.scope.label}
            )
        request.user = found.user
        request.api_token = found
        return found.user


def _bearer(request) -> str:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def docs_login_required(view):
    """`/api/docs` and `/api/openapi.json` for signed-in staff or holders of a valid token."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated or token_for(_bearer(request)) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"detail": "未认证：请先登录或提供有效的接口令牌"}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapper
