from __future__ import annotations

from rest_framework.routers import SimpleRouter

from matching.api.views import MatchViewSet

router = SimpleRouter()
router.register("matches", MatchViewSet, basename="match")
urlpatterns = router.urls
