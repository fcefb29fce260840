from django.urls import path

from postloan.portfolio_risk import views

app_name = "portfolio_risk"
urlpatterns = [
    path("", views.concentration_page, name="concentration"),
    path("retail/", views.retail_page, name="retail"),
    path("retail/export.xlsx", views.retail_export, name="retail_export"),
    path("limits/", views.limits_page, name="limits"),
]
