from django.urls import path

from events.api import calendars, checkins, events, photos, plans, volunteers

urlpatterns = [
    path("calendars/<str:ym>/", calendars.PublishedCalendarView.as_view(), name="api-calendar"),
    path("events/", events.EventListCreateView.as_view(), name="api-events"),
    path("events/<int:pk>/", events.EventDetailEditView.as_view(), name="api-event"),
    path("events/<int:pk>/plan/", events.EventPlanView.as_view(), name="api-event-plan"),
    path("events/<int:pk>/publish/", events.EventPublishView.as_view(), name="api-event-publish"),
    path("events/<int:pk>/cancel/", events.EventCancelView.as_view(), name="api-event-cancel"),
    path(
        "events/<int:pk>/complete/", events.EventCompleteView.as_view(), name="api-event-complete"
    ),
    path("events/<int:pk>/checkins/", checkins.CheckInView.as_view(), name="api-event-checkin"),
    path(
        "events/<int:pk>/volunteers/",
        volunteers.EventVolunteersView.as_view(),
        name="api-event-volunteers",
    ),
    path(
        "events/<int:pk>/volunteers/confirm-all/",
        volunteers.EventVolunteersConfirmAllView.as_view(),
        name="api-event-volunteers-confirm-all",
    ),
    path("events/<int:pk>/photos/", photos.EventPhotosView.as_view(), name="api-event-photos"),
    path("plans/<str:ym>/", plans.PlanListView.as_view(), name="api-plans"),
    path("plans/<str:ym>/submit/", plans.PlanSubmitView.as_view(), name="api-plan-submit"),
]
