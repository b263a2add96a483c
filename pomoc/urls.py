from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from pomoc import views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

# The catalogue of integration projects: pages per language, API outside the language prefix.
urlpatterns += i18n_patterns(path("", include("catalogue.urls")), prefix_default_language=True)
urlpatterns += [path("api/v1/", include("catalogue.api.urls"))]
