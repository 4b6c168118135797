from django.urls import path
from rest_framework.routers import SimpleRouter

from volunteers.api import points, records, views

router = SimpleRouter()
router.register("teams", views.TeamViewSet, basename="api-team")
router.register("volunteers", views.VolunteerViewSet, basename="api-volunteer")
router.register("service-records", records.ServiceRecordViewSet, basename="api-service-record")
router.register("certificates", records.CertificateViewSet, basename="api-certificate")
router.register("points", points.PointsEntryViewSet, basename="api-points")
router.register("rewards", points.RewardViewSet, basename="api-reward")
router.register("redemptions", points.RedemptionViewSet, basename="api-redemption")

urlpatterns = [path("me/", views.MeView.as_view(), name="api-me"), *router.urls]
