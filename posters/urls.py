from django.urls import path

from posters import views

app_name = "posters"

urlpatterns = [
    path("posters/", views.poster_index, name="index"),
    path("stations/<int:pk>/poster/", views.station_poster, name="station"),
    path("stations/<int:pk>/poster.pdf", views.station_poster_pdf, name="station_pdf"),
    path("towns/<int:pk>/posters.pdf", views.town_posters_pdf, name="town_pdf"),
]
