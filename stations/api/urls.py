from rest_framework.routers import SimpleRouter

from stations.api import views

router = SimpleRouter()
router.register("cities", views.CityViewSet, basename="api-city")
router.register("towns", views.TownViewSet, basename="api-town")
router.register("villages", views.VillageViewSet, basename="api-village")
router.register("positions", views.PositionViewSet, basename="api-position")

urlpatterns = router.urls
