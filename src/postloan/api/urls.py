from django.urls import path

from postloan.api.api import api

urlpatterns = [path("", api.urls)]
