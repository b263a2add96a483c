from __future__ import annotations

from django.urls import path

from moderation.api import views

urlpatterns = [
    path("reports/", views.ReportListCreateView.as_view(), name="report-list"),
    path("reports/<str:pk>/handle/", views.ReportHandleView.as_view(), name="report-handle"),
    path("moderation/posts/", views.ModerationPostListView.as_view(), name="moderation-posts"),
    path(
        "moderation/posts/bulk/", views.ModerationBulkView.as_view(), name="moderation-posts-bulk"
    ),
    path(
        "moderation/<str:kind>/<str:pk>/",
        views.ModerationPostView.as_view(),
        name="moderation-post",
    ),
    path(
        "moderation/<str:kind>/<str:pk>/<str:action>/",
        views.ModerationActionView.as_view(),
        name="moderation-action",
    ),
    path("concerns/<str:pk>/answer/", views.ConcernAnswerView.as_view(), name="concern-answer"),
]
