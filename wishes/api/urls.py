"""Wish wall API routes, included at /api/ by config/api_urls.py."""

from django.urls import path

from wishes.api import views

urlpatterns = [
    path("wishes/", views.WishListCreateView.as_view(), name="api-wishes"),
    path("wishes/mine/", views.MyWishesView.as_view(), name="api-wishes-mine"),
    path("wishes/<int:pk>/", views.WishDetailView.as_view(), name="api-wish-detail"),
    path("wishes/<int:pk>/approve/", views.ApproveView.as_view(), name="api-wish-approve"),
    path("wishes/<int:pk>/reject/", views.RejectView.as_view(), name="api-wish-reject"),
    path("wishes/<int:pk>/claim/", views.ClaimView.as_view(), name="api-wish-claim"),
    path("wishes/<int:pk>/release/", views.ReleaseView.as_view(), name="api-wish-release"),
    path("wishes/<int:pk>/fulfil/", views.FulfilView.as_view(), name="api-wish-fulfil"),
    path("wishes/<int:pk>/to-event/", views.ToEventView.as_view(), name="api-wish-to-event"),
    path(
        "wishes/<int:pk>/to-suggestion/",
        views.ToSuggestionView.as_view(),
        name="api-wish-to-suggestion",
    ),
]
