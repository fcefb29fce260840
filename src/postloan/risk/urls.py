from django.urls import path

from postloan.risk import views

app_name = "risk"
urlpatterns = [
    path("", views.suggestions, name="index"),
    path("classification/", views.suggestions, name="suggestions"),
    path("classification/loan/<str:loan_id>/", views.loan, name="loan"),
    path("classification/loan/<str:loan_id>/propose/", views.loan_propose, name="loan_propose"),
    path("classification/loan/<str:loan_id>/confirm/", views.loan_confirm, name="loan_confirm"),
    path("classification/loan/<str:loan_id>/approve/", views.loan_approve, name="loan_approve"),
    path("classification/loan/<str:loan_id>/correct/", views.loan_correct, name="loan_correct"),
    path("classification/assessment/<int:pk>/", views.assessment, name="assessment"),
    path("classification/migration/", views.migration, name="migration"),
    path("classification/npl/", views.npl, name="npl"),
    path("signals/", views.signals, name="signals"),
    path("signals/new/", views.signal_new, name="signal_new"),
    path("signals/<int:pk>/", views.signal, name="signal"),
    path("signals/<int:pk>/handle/", views.signal_handle, name="signal_handle"),
    path("signals/<int:pk>/feedback/", views.signal_feedback, name="signal_feedback"),
    path("signals/<int:pk>/confirm/", views.signal_confirm, name="signal_confirm"),
    path("signals/<int:pk>/release/", views.signal_release, name="signal_release"),
    path("signals/steps/<int:pk>/attachment/", views.signal_attachment, name="signal_attachment"),
    path("events/<str:event_id>/release/", views.event_release, name="event_release"),
    path("review-tasks/<int:pk>/", views.review_task, name="review_task"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("thresholds/preview/", views.thresholds_preview, name="thresholds_preview"),
    path("ranking/", views.ranking, name="ranking"),
    path("customers/<str:customer_id>/panel/", views.customer_panel, name="customer_panel"),
    path("dashboard/counts/", views.dashboard_counts, name="dashboard_counts"),
    path("export/classification.csv", views.export_classification, name="export_classification"),
    path("export/signals.csv", views.export_signals, name="export_signals"),
    path("export/signals.xlsx", views.signals_xlsx, name="signals_xlsx"),
    path("export/suggestions.xlsx", views.suggestions_xlsx, name="suggestions_xlsx"),
]
