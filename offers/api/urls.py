from __future__ import annotations

from rest_framework.routers import SimpleRouter

from offers.api.views import OfferViewSet

router = SimpleRouter()
router.register("offers", OfferViewSet, basename="offer")
urlpatterns = router.urls
