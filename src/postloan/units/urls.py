from django.urls import path

from postloan.units import views

app_name = "units"
urlpatterns = [
    path("", views.index, name="index"),
    path("limits/", views.limits_page, name="limits"),
    path("<str:code>/suspend/", views.suspend, name="suspend"),
    path("suspensions/<int:pk>/", views.suspension, name="suspension"),
    path("suspensions/<int:pk>/<str:step>/", views.suspension_step, name="suspension_step"),
    path("tasks/<int:pk>/<str:step>/", views.task_step, name="task_step"),
]
