from django.urls import path

from postloan.forecast import views

app_name = "forecast"
urlpatterns = [
    path("", views.model_page, name="model"),
    path("fit/", views.fit, name="fit"),
]
