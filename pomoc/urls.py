from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import (
    language_switch,
    membership_decide_view,
    membership_queue,
    my_organisations,
    my_profile,
)
from matching.views import sms_inbound
from places.views import place_check
from pomoc import views
from posts.views import post_freshness

# The REST API lives outside the language prefix; each app adds its own router here.
api_v1 = [
    path("", include("catalogue.api.urls")),
    path("", include("stats.api.urls")),
    path("", include("newsletter.api.urls")),
    path("", include("pomoc.api_urls")),  # categories, places, offers, needs, tokens
]

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("i18n/switch/", language_switch, name="language_switch"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("sms/inbound/", sms_inbound, name="sms_inbound"),  # the SMS gateway's webhook
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("notifications/", include("notifications.urls")),
    path("", include("catalogue.urls")),
    path("accounts/", include("allauth.urls")),
    path("my/", views.my_posts, name="my_posts"),
    path("my/organisations/", my_organisations, name="my_organisations"),
    path("my/profile/", my_profile, name="my_profile"),
    path("", include("rights.urls")),  # /my/data/, /my/delete/, coordinators' deletion on request
    path("coordination/memberships/", membership_queue, name="membership_queue"),
    path(
        "coordination/memberships/<int:pk>/<slug:decision>/",
        membership_decide_view,
        name="membership_decide",
    ),
    path("", include("matching.respond_urls")),  # /offers/<id>/respond/, /needs/<id>/respond/
    path("offers/", include("offers.urls")),
    path("needs/", include("needs.urls")),
    path("places/check/", place_check, name="place_check"),
    path("posts/still-valid/<str:token>/", post_freshness, name="post_freshness"),
    path("", include("matching.urls")),
    path("", include("moderation.urls")),  # reports; /coordination/moderation/ and /dashboard/
    path("", include("privacy.urls")),  # /privacy/
    path("", include("intake.urls")),  # operators register people without email; /claim/
    path("", include("exports.urls")),  # /coordination/export/<dataset>.<csv|xlsx>
    path("", include("stats.urls")),  # /statistics/
    path("newsletter/", include("newsletter.urls")),
    prefix_default_language=True,
)

# A database that cannot be reached answers 503, not 500 (pomoc/unavailable.py).
handler500 = "pomoc.unavailable.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
