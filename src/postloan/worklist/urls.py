from django.urls import path

from postloan.worklist import views

app_name = "worklist"
urlpatterns = [
    path("", views.inbox_page, name="inbox"),
    path("panel/", views.inbox_panel, name="inbox_panel"),
    path("export.xlsx", views.inbox_export, name="inbox_export"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/export.xlsx", views.inspection_export, name="inspections_export"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path(
        "inspections/<int:pk>/attachments/",
        views.inspection_attachment,
        name="inspection_attachment",
    ),
    path("inspections/<int:pk>/amend/", views.inspection_amend, name="inspection_amend"),
    path(
        "inspections/<int:pk>/photos/<int:photo_pk>/",
        views.inspection_photo,
        name="inspection_photo",
    ),
    path("inspections/<int:pk>/report.docx", views.inspection_docx, name="inspection_docx"),
    path("diligence/", views.diligence, name="diligence"),
    path("department-checks/", views.department_checks, name="department_checks"),
    path(
        "department-checks/export.xlsx",
        views.department_checks_export,
        name="department_checks_export",
    ),
    path("department-checks/<int:pk>/", views.department_check, name="department_check"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/export.xlsx", views.calendar_export, name="calendar_export"),
    path("calendar/<int:pk>/", views.task_detail, name="task"),
    path("calendar/<int:pk>/notice.docx", views.task_notice_docx, name="task_notice_docx"),
    path("fund-use/<str:loan_id>/", views.fund_use, name="fund_use"),
    path("collateral/", views.collateral, name="collateral"),
    path("collateral/export.xlsx", views.collateral_export, name="collateral_export"),
    path("limitations/", views.limitations, name="limitations"),
    path("limitations/export.xlsx", views.limitations_export, name="limitations_export"),
    path("collection/", views.case_list, name="cases"),
    path("collection/export.xlsx", views.case_export, name="cases_export"),
    path("collection/<int:pk>/", views.case_detail, name="case"),
    path("collection/<int:pk>/actions/", views.case_action, name="case_action"),
    path("collection/<int:pk>/promises/", views.case_promise, name="case_promise"),
    path("collection/<int:pk>/close/", views.case_close, name="case_close"),
    path("collection/rates/", views.collection_rates, name="rates"),
    path("unassigned/", views.unassigned, name="unassigned"),
    path("unassigned/export.xlsx", views.unassigned_export, name="unassigned_export"),
]
