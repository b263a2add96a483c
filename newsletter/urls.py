from __future__ import annotations

from django.urls import path

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("sent/", views.subscribe_sent, name="subscribe_sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:key>/", views.unsubscribe, name="unsubscribe"),
    path("archive/", views.archive, name="archive"),
    path("archive/<int:pk>/", views.archive_detail, name="archive_detail"),
    path("issues/", views.issue_list, name="issue_list"),
    path("issues/new/", views.issue_edit, name="issue_new"),
    path("issues/<int:pk>/", views.issue_edit, name="issue_edit"),
    path("issues/<int:pk>/send/", views.issue_send, name="issue_send"),
]
