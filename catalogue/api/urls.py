from __future__ import annotations

from rest_framework.routers import SimpleRouter

from catalogue.api.views import FunderViewSet, OrganisationViewSet, ProjectViewSet

# A SimpleRouter (no API root view), so it mounts beside other apps' routers under api/v1/.
router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="api-project")
router.register("funders", FunderViewSet, basename="api-funder")
router.register("organisations", OrganisationViewSet, basename="api-organisation")

urlpatterns = router.urls
