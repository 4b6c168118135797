from django.urls import path

from joining import views

app_name = "joining"

urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/sent/", views.join_sent, name="join_sent"),
    path("station/volunteers/applications/", views.queue, name="queue"),
    path("station/volunteers/applications/<int:pk>/approve/", views.approve, name="approve"),
    path("station/volunteers/applications/<int:pk>/decline/", views.decline, name="decline"),
    path("accounts/password/sms/", views.password_sms, name="password_sms"),
    path("accounts/password/reset/", views.EmailPasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/done/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
]
