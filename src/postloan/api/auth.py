"""Token authentication for the API: `Authorization: Bearer plk_…`."""

from ninja.security import HttpBearer

from postloan.api.tokens import user_for_token


class ApiTokenAuth(HttpBearer):
    openapi_description = "postloan api-token create USERNAME 生成的令牌"

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user
