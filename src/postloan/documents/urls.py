from django.urls import path

from postloan.documents import views

app_name = "documents"
urlpatterns = [
    path("quality.docx", views.quality_docx, name="quality_docx"),
    path("quality.pdf", views.quality_pdf, name="quality_pdf"),
    path("attachments/<str:customer_id>.xlsx", views.attachments_xlsx, name="attachments_xlsx"),
    path("meetings/<int:pk>/", views.meeting_documents, name="meeting"),
    path("meetings/<int:pk>/notice.docx", views.notice_docx, name="notice_docx"),
    path("meetings/<int:pk>/minutes.docx", views.minutes_docx, name="minutes_docx"),
    path("meetings/<int:pk>/minutes.xlsx", views.minutes_xlsx, name="minutes_xlsx"),
    path("meetings/<int:pk>/review-forms.docx", views.review_forms_docx, name="review_forms_docx"),
    path("meetings/<int:pk>/decisions.xlsx", views.decisions_xlsx, name="decisions_xlsx"),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/review-form.docx",
        views.review_form_docx,
        name="review_form_docx",
    ),
    path("meetings/<int:pk>/pack/", views.pack_start, name="pack_start"),
    path("meetings/<int:pk>/pack/<int:job_pk>/", views.pack_status, name="pack_status"),
    path(
        "meetings/<int:pk>/pack/<int:job_pk>/download/", views.pack_download, name="pack_download"
    ),
]
