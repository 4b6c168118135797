from django.urls import path

from events.api import actions, views

urlpatterns = [
    path("calendars/<str:ym>/", views.PublishedCalendarView.as_view(), name="api-calendar"),
    path("events/", actions.EventListCreateView.as_view(), name="api-events"),
    path("events/<int:pk>/", actions.EventDetailEditView.as_view(), name="api-event"),
    path("events/<int:pk>/plan/", actions.EventPlanView.as_view(), name="api-event-plan"),
    path("events/<int:pk>/publish/", actions.EventPublishView.as_view(), name="api-event-publish"),
    path("events/<int:pk>/cancel/", actions.EventCancelView.as_view(), name="api-event-cancel"),
    path(
        "events/<int:pk>/complete/", actions.EventCompleteView.as_view(), name="api-event-complete"
    ),
    path("events/<int:pk>/checkins/", views.CheckInView.as_view(), name="api-event-checkin"),
    path(
        "events/<int:pk>/volunteers/",
        actions.EventVolunteersView.as_view(),
        name="api-event-volunteers",
    ),
    path("events/<int:pk>/photos/", actions.EventPhotosView.as_view(), name="api-event-photos"),
    path("plans/<str:ym>/", views.PlanListView.as_view(), name="api-plans"),
    path("plans/<str:ym>/submit/", views.PlanSubmitView.as_view(), name="api-plan-submit"),
]
