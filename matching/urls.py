from __future__ import annotations

from django.urls import path

from matching import views

urlpatterns = [
    path("matches/", views.my_matches, name="my_matches"),
    path("matches/<int:pk>/", views.match_detail, name="match_detail"),
    path("matches/<int:pk>/respond/", views.match_respond, name="match_respond"),
    path("matches/<int:pk>/close/", views.match_close, name="match_close"),
    path("matches/how-did-it-go/<str:token>/", views.match_follow_up, name="match_follow_up"),
    path("coordinate/", views.match_queue, name="match_queue"),
    path("coordinate/<int:pk>/approve/", views.match_approve, name="match_approve"),
    path("coordinate/<int:pk>/reject/", views.match_reject, name="match_reject"),
    path("coordinate/bulk-approve/", views.match_bulk_approve, name="match_bulk_approve"),
    path("coordinate/create/", views.match_create_manual, name="match_create_manual"),
]
