from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("home/", views.my_home, name="my_home"),
    path("station/today/", views.station_today, name="today"),
]
