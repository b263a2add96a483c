from __future__ import annotations

from django.urls import path

from notifications.api import views

urlpatterns = [
    path("notifications/", views.InboxView.as_view(), name="notification-list"),
    path("notifications/unread/", views.UnreadCountView.as_view(), name="notification-unread"),
    path("notifications/read-all/", views.MarkAllReadView.as_view(), name="notification-read-all"),
    path("notifications/<int:pk>/read/", views.MarkReadView.as_view(), name="notification-read"),
    path("notifications/settings/", views.PreferenceView.as_view(), name="notification-settings"),
    path(
        "notifications/settings/unsubscribe-links/revoke/",
        views.UnsubscribeLinksRevokeView.as_view(),
        name="notification-unsubscribe-links-revoke",
    ),
]
