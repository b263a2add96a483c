from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class GeocodeCache(models.Model):
    """Answers of network geocoders, kept so each place name is asked once.

    A miss is cached too (``found=False``) so a mistyped name does not hammer the provider;
    misses are retried after ``GEOCODE_MISS_TTL``.
    """

    provider = models.CharField(_("provider"), max_length=50)
    query_key = models.CharField(_("normalised query"), max_length=255)
    query = models.CharField(_("query"), max_length=255)
    found = models.BooleanField(_("found"), default=True)
    display_name = models.CharField(_("display name"), max_length=500, blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("geocoder cache entry")
        verbose_name_plural = _("geocoder cache entries")
        constraints = [
            models.UniqueConstraint(fields=["provider", "query_key"], name="geocode_cache_unique"),
            models.CheckConstraint(
                condition=models.Q(found=False) | models.Q(location__isnull=False),
                name="geocode_cache_found_has_location",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.query}"
