from django.urls import path
from rest_framework.routers import SimpleRouter

from volunteers.api import views

router = SimpleRouter()
router.register("teams", views.TeamViewSet, basename="api-team")
router.register("volunteers", views.VolunteerViewSet, basename="api-volunteer")

urlpatterns = [path("me/", views.MeView.as_view(), name="api-me"), *router.urls]
