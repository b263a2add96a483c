from __future__ import annotations

from django.urls import path

from moderation import views

urlpatterns = [
    path("report/<slug:kind>/<int:pk>/", views.report_post, name="report_post"),
    path("coordination/moderation/", views.moderation_queue, name="moderation_queue"),
    path("coordination/moderation/posts/", views.moderation_posts, name="moderation_posts"),
    path(
        "coordination/moderation/posts/bulk/",
        views.moderation_posts_bulk,
        name="moderation_posts_bulk",
    ),
    path(
        "coordination/moderation/<slug:kind>/<int:pk>/",
        views.moderation_post,
        name="moderation_post",
    ),
    path(
        "coordination/moderation/<slug:kind>/<int:pk>/<slug:action>/",
        views.moderation_action,
        name="moderation_action",
    ),
    path("coordination/dashboard/", views.dashboard, name="coordination_dashboard"),
    path("matches/<int:pk>/concern/", views.concern_raise, name="concern_raise"),
    path("coordination/concerns/<int:pk>/answer/", views.concern_answer, name="concern_answer"),
]
