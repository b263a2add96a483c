"""The responses to a post, mounted before ``offers.urls`` and ``needs.urls`` (whose
``<pk>/<action>/`` status pattern would otherwise take "respond" for an action)."""

from __future__ import annotations

from django.urls import path

from matching import views

urlpatterns = [
    path("offers/<int:pk>/respond/", views.respond, {"kind": "offer"}, name="offer_respond"),
    path("needs/<int:pk>/respond/", views.respond, {"kind": "need"}, name="need_respond"),
]
