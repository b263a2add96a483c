from __future__ import annotations

from django.urls import path

from places.api.views import PlaceLookupView

urlpatterns = [path("places/", PlaceLookupView.as_view(), name="place-lookup")]
