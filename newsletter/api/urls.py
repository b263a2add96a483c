from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from newsletter.api.views import IssueViewSet, SubscriptionView

router = SimpleRouter()
router.register("newsletter/issues", IssueViewSet, basename="api-newsletter-issue")

urlpatterns = [
    path("newsletter/subscriptions/", SubscriptionView.as_view(), name="api-newsletter-subscribe"),
    *router.urls,
]
