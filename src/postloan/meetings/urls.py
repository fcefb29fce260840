from django.urls import path

from postloan.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.home, name="home"),
    path("export.xlsx", views.meetings_export, name="export"),
    path("tasks/export.xlsx", views.tasks_export, name="tasks_export"),
    path("oversight/export.xlsx", views.oversight_export, name="oversight_export"),
    path("plan/", views.plan_page, name="plan"),
    path("committee/<str:code>/", views.committee_page, name="committee"),
    path("committee/<str:code>/add/", views.committee_add, name="committee_add"),
    path("committee/<str:code>/remove/", views.committee_remove, name="committee_remove"),
    path("committee/<str:code>/certify/", views.committee_certify, name="committee_certify"),
    path(
        "committee/<str:code>/members/<int:pk>/certificate/",
        views.member_certificate,
        name="member_certificate",
    ),
    path("settings/<str:code>/", views.settings_page, name="settings"),
    path("oversight/", views.oversight_page, name="oversight"),
    path("notices/", views.my_notices, name="notices"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
    path("tasks/", views.my_tasks, name="tasks"),
    path("resolutions/<int:pk>/", views.resolution_page, name="resolution"),
    path("resolutions/<int:pk>/evidence/", views.resolution_evidence, name="resolution_evidence"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/notice/", views.notice, name="notice"),
    path("<int:pk>/agenda/add/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/<int:item_pk>/drop/", views.agenda_drop, name="agenda_drop"),
    path("<int:pk>/leave/", views.leave_request, name="leave"),
    path("<int:pk>/leave/<int:leave_pk>/", views.leave_decide, name="leave_decide"),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/sections/", views.sections, name="sections"),
    path("<int:pk>/batch/", views.batch, name="batch"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/sign/", views.sign_page, name="sign"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("items/<int:pk>/", views.item_page, name="item"),
    path("items/<int:pk>/report/", views.report_page, name="report"),
    path("items/<int:pk>/review-form/", views.review_form, name="review_form"),
]
