"""Mounted at the site root: `/health/` (no login) and the operations pages under `/ops/`."""

from django.urls import path

from postloan.accounts import views as account_views
from postloan.ops import health, views

app_name = "ops"
urlpatterns = [
    path("health/", health.health, name="health"),
    path("ops/jobs/", views.job_list, name="jobs"),
    path("ops/jobs/export.xlsx", views.job_export, name="jobs_export"),
    path("ops/jobs/<int:pk>/", views.job_detail, name="job"),
    path("ops/audit/", views.audit_trail, name="audit"),
    path("ops/audit/export.xlsx", views.audit_export, name="audit_export"),
    path("ops/audit/logins/", account_views.auth_log, name="auth_log"),
    path("ops/audit/logins/export.xlsx", account_views.auth_log_export, name="auth_log_export"),
]
