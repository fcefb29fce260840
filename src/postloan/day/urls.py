from django.urls import path

from postloan.day import views

app_name = "day"
urlpatterns = [
    path("risk/classification/screen/", views.screen, name="screen"),
    path("ops/jobs/<int:pk>/steps/<str:step>/rerun/", views.rerun_step, name="rerun_step"),
]
