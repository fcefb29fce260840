from django.urls import path

from postloan.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("quality/", views.quality, name="quality"),
    path("kpis/", views.kpis, name="kpis"),
    path("attachments/", views.attachments, name="attachments"),
]
