from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("five-standards/", views.standards, name="standards"),
    path("orders/", views.orders, name="orders"),
    path("volunteers/", views.volunteers, name="volunteers"),
    path("export/<slug:report>/<slug:table>.<slug:fmt>", views.export, name="export"),
]
