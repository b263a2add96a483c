from __future__ import annotations

from django.urls import path

from catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("catalogue/", views.project_list_view, name="project_list"),
    path("catalogue/export.csv", views.project_export_view, name="project_export"),
    path("catalogue/projects/<int:pk>/", views.project_detail_view, name="project_detail"),
    path("catalogue/submit/", views.project_submit_view, name="project_submit"),
    path("catalogue/review/", views.project_review_queue_view, name="project_review_queue"),
    path(
        "catalogue/review/<int:pk>/<slug:decision>/",
        views.project_review_view,
        name="project_review",
    ),
    path("catalogue/organisations/", views.organisation_list_view, name="organisation_list"),
    path(
        "catalogue/organisations/<int:pk>/",
        views.organisation_detail_view,
        name="organisation_detail",
    ),
    path(
        "catalogue/organisations/<int:pk>/profile/",
        views.organisation_profile_view,
        name="organisation_profile",
    ),
]
