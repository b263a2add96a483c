from __future__ import annotations

from django.urls import path

from posts.api.views import CategoryListView

urlpatterns = [path("categories/", CategoryListView.as_view(), name="category-list")]
