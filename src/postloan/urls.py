from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from postloan.accounts import views as account_views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", account_views.password_change, name="password_change"),
    path("admin/", admin.site.urls),
    path("import/", include("postloan.ingest.urls")),
    path("work/", include("postloan.worklist.urls")),
    path("", include("postloan.day.urls")),  # /risk/classification/screen/, a day step again
    path("risk/model/", include("postloan.forecast.urls")),  # 模型说明
    path("risk/", include("postloan.risk.urls")),
    path("meetings/", include("postloan.meetings.urls")),
    path("reports/", include("postloan.reports.urls")),
    path("units/", include("postloan.units.urls")),
    path("portfolio-risk/", include("postloan.portfolio_risk.urls")),
    path("documents/", include("postloan.documents.urls")),
    path("api/", include("postloan.api.urls")),
    path("", include("postloan.ops.urls")),  # /health/ and /ops/…
    path("", include("postloan.web.urls")),
]

# 403/404/500 in the app frame, in Chinese (postloan.web.views.errors).
handler403 = "postloan.web.views.errors.permission_denied"
handler404 = "postloan.web.views.errors.page_not_found"
handler500 = "postloan.web.views.errors.server_error"
handler400 = "postloan.web.views.errors.bad_request"
