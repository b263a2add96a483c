from __future__ import annotations

from django.urls import path

from needs.views import NEED_KIND
from posts import views

kind = {"kind": NEED_KIND}

urlpatterns = [
    path("", views.post_list, kind, name="need_list"),
    path("new/", views.post_create, kind, name="need_create"),
    path("<int:pk>/", views.post_detail, kind, name="need_detail"),
    path("<int:pk>/edit/", views.post_edit, kind, name="need_edit"),
    path("<int:pk>/renew/", views.post_renew, kind, name="need_renew"),
    path("<int:pk>/<slug:action>/", views.post_status, kind, name="need_status"),
]
