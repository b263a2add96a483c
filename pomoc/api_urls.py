"""Everything under /api/v1/: each app contributes its own ``api/urls.py``.

Another app adds its API by appending one ``include`` here.
"""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("posts.api.urls")),
    path("", include("places.api.urls")),
    path("", include("offers.api.urls")),
    path("", include("needs.api.urls")),
    path("", include("matching.api.urls")),
    path("", include("moderation.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("accounts.api.membership_urls")),
    path("", include("exports.api.urls")),
]
