from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacy/resident/", views.resident_data, name="resident"),
]
