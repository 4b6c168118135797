from django.urls import path

from reports.api import views

app_name = "reports-api"
urlpatterns = [
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("five-standards/", views.FiveStandardsView.as_view(), name="five-standards"),
    path("orders/", views.OrdersView.as_view(), name="orders"),
]
