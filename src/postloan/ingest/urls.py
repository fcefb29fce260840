from django.urls import path

from postloan.ingest import views

app_name = "ingest"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("export.xlsx", views.batch_export, name="export"),
    path("<int:pk>/", views.batch_detail, name="detail"),
    path("<int:pk>/report.csv", views.batch_report, name="report"),
]
