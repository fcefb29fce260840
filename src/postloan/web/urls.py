from django.urls import path

from postloan.web.views import customers, home, loans

app_name = "web"
urlpatterns = [
    path("", home.home, name="home"),
    path("customers/", customers.customer_list, name="customers"),
    path("customers/export.xlsx", customers.customer_export, name="customers_export"),
    path("customers/<str:customer_id>/", customers.customer_detail, name="customer"),
    path("loans/<str:loan_id>/", loans.loan_page, name="loan"),
]
