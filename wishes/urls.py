from django.urls import path

from wishes import views

app_name = "wishes"

urlpatterns = [
    path("wishes/", views.wish_wall, name="wall"),
    path("wishes/new/", views.wish_new, name="new"),
    path("wishes/moderate/", views.moderation, name="moderation"),
    path("wishes/<int:pk>/", views.wish_detail, name="detail"),
    path("wishes/<int:pk>/<slug:action>/", views.wish_action, name="action"),
]
