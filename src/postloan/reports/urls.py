from django.urls import path

from postloan.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("quality/", views.quality, name="quality"),
    path("kpis/", views.kpis, name="kpis"),
    path("attachments/", views.attachments, name="attachments"),
    path("accountability/", views.accountability, name="accountability"),
    path("accountability/detect/", views.accountability_detect, name="accountability_detect"),
    path("accountability/<int:pk>/decide/", views.finding_decide, name="finding_decide"),
    path(
        "accountability/<int:pk>/consequence/",
        views.finding_consequence,
        name="finding_consequence",
    ),
    path("diligence/", views.diligence_page, name="diligence"),
    path("effectiveness/", views.effectiveness_list, name="effectiveness"),
    path("effectiveness/<int:pk>/", views.meeting_effect_page, name="meeting_effect"),
]
