from django.urls import path

from kiosk import views

app_name = "kiosk"

urlpatterns = [
    path("kiosk/links/", views.kiosk_links, name="links"),
    path("kiosk/links/new/", views.kiosk_link_create, name="link_create"),
    path("kiosk/links/<int:link_id>/revoke/", views.kiosk_link_revoke, name="link_revoke"),
    path("kiosk/<int:pk>/", views.kiosk_screen, name="screen"),
    path("kiosk/<int:pk>/order/", views.kiosk_order, name="order"),
]
