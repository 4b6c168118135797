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
    path("hours/overdue/", views.hours_overdue, name="hours_overdue"),
    path("hours/records/<int:pk>/confirm/", views.hours_record_confirm, name="record_confirm"),
    path("hours/records/<int:pk>/revoke/", views.hours_record_revoke, name="record_revoke"),
    path("station/rewards/", views.rewards, name="rewards"),
    path("station/rewards/redeem/", views.reward_redeem, name="reward_redeem"),
    path("station/rewards/<int:pk>/", views.reward_update, name="reward_update"),
]
