from django.urls import path

from events.api import views

urlpatterns = [
    path("calendars/<str:ym>/", views.PublishedCalendarView.as_view(), name="api-calendar"),
    path("events/", views.EventListView.as_view(), name="api-events"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="api-event"),
    path("events/<int:pk>/checkins/", views.CheckInView.as_view(), name="api-event-checkin"),
    path("plans/<str:ym>/", views.PlanListView.as_view(), name="api-plans"),
    path("plans/<str:ym>/submit/", views.PlanSubmitView.as_view(), name="api-plan-submit"),
]
