from __future__ import annotations

from django.urls import path

from accounts.api import membership_views as views

urlpatterns = [
    path("memberships/", views.MembershipListView.as_view(), name="membership-list"),
    path("memberships/to-decide/", views.MembershipQueueView.as_view(), name="membership-queue"),
    path(
        "memberships/<int:pk>/decide/",
        views.MembershipDecideView.as_view(),
        name="membership-decide",
    ),
]
