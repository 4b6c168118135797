from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("volunteer/records/", views.my_records, name="my_records"),
    path("volunteer/certificates/", views.my_certificate_request, name="my_certificate_request"),
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<str:code>/revoke/", views.certificate_revoke, name="certificate_revoke"),
]
