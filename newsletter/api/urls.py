from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from newsletter.api.views import IssueDraftViewSet, IssueViewSet, SubscriptionView

router = SimpleRouter()
router.register("newsletter/issues", IssueViewSet, basename="api-newsletter-issue")
router.register("newsletter/drafts", IssueDraftViewSet, basename="api-newsletter-draft")

urlpatterns = [
    path("newsletter/subscriptions/", SubscriptionView.as_view(), name="api-newsletter-subscribe"),
    *router.urls,
]
