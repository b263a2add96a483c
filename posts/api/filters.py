"""Search filters shared by the offer and need lists, matching the web search: category (with
its subcategories), a place name or coordinates with a radius, remote, language, free text, and
sorting by distance or date.

Bad values become a 400 naming the parameter (django-filter validates the form; the place and
the coordinates are checked together in ``PostFilterForm.clean``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotAuthenticated

from places.geocoding import place_resolve
from posts.languages import language_choices
from posts.models import MAX_RADIUS_KM, Category, Post
from posts.selectors import (
    DEFAULT_SEARCH_RADIUS_KM,
    in_category,
    post_near,
    post_owned_by,
    post_text_filter,
)

ORDERING_CHOICES = [
    ("distance", _("Nearest first (needs a place or coordinates)")),
    ("-created_at", _("Newest first")),
    ("created_at", _("Oldest first")),
    ("valid_until", _("Ending soonest first")),
]


class StrictBooleanField(forms.NullBooleanField):
    """true/false/1/0; anything else is an error rather than silently "no filter"."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> bool | None:
        text = str(value).strip().lower() if value is not None else ""
        if text == "":
            return None
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise ValidationError(_("Use true or false."), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class PostFilterForm(forms.Form):
    point: Point | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        place = cleaned.get("place")
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        point = None
        if place:
            try:
                point = place_resolve(place).point
            except ValidationError as error:
                self.add_error("place", error)
        elif latitude is not None and longitude is not None:
            # Snapped to the public grid by post_near, like a place's point.
            point = Point(float(longitude), float(latitude), srid=4326)
        elif latitude is not None or longitude is not None:
            missing = "longitude" if latitude is not None else "latitude"
            self.add_error(missing, _("Give both latitude and longitude."))
        if cleaned.get("ordering") == "distance" and point is None and not self.errors:
            self.add_error("ordering", _("Sorting by distance needs a place or coordinates."))
        # Not in cleaned_data: django-filter applies every key there as a filter.
        self.point = point
        return cleaned


class PostFilterSet(django_filters.FilterSet):
    """Subclasses set ``Meta.model``."""

    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        to_field_name="slug",
        method="filter_category",
        help_text=_("Category slug; a general category includes its subcategories."),
    )
    q = django_filters.CharFilter(
        method="filter_text", max_length=200, help_text=_("Words in the title or description.")
    )
    place = django_filters.CharFilter(
        method="handled_later", max_length=200, help_text=_("A place name to search around.")
    )
    latitude = django_filters.NumberFilter(
        method="handled_later", min_value=Decimal(-90), max_value=Decimal(90)
    )
    longitude = django_filters.NumberFilter(
        method="handled_later", min_value=Decimal(-180), max_value=Decimal(180)
    )
    radius_km = django_filters.NumberFilter(
        method="handled_later",
        min_value=Decimal(0),
        max_value=Decimal(MAX_RADIUS_KM),
        help_text=_("Search radius around the place (default 25 km)."),
    )
    remote = StrictBooleanFilter(field_name="remote")
    language = django_filters.ChoiceFilter(
        choices=language_choices, method="filter_language", help_text=_("ISO 639-1 code.")
    )
    ordering = django_filters.ChoiceFilter(choices=ORDERING_CHOICES, method="handled_later")
    mine = StrictBooleanFilter(
        method="handled_later",
        help_text=_("Only my own posts, in every status (needs authentication)."),
    )

    class Meta:
        form = PostFilterForm
        fields: list[str] = []

    def handled_later(self, queryset: QuerySet[Post], name: str, value: Any) -> QuerySet[Post]:
        return queryset  # these combine into one query in filter_queryset

    def filter_category(self, queryset: QuerySet[Post], name: str, value: Category):
        return queryset.filter(in_category(value))

    def filter_text(self, queryset: QuerySet[Post], name: str, value: str) -> QuerySet[Post]:
        return post_text_filter(queryset, value)

    def filter_language(self, queryset: QuerySet[Post], name: str, value: str):
        return queryset.filter(languages__contains=[value])

    def filter_queryset(self, queryset: QuerySet[Post]) -> QuerySet[Post]:
        data = self.form.cleaned_data
        if data.get("mine"):
            user = getattr(self.request, "user", None)
            if user is None or not user.is_authenticated:
                raise NotAuthenticated()
            queryset = post_owned_by(self._meta.model, user=user).select_related("category__parent")
        queryset = super().filter_queryset(queryset)
        point = self.form.point
        if point is not None:
            radius = data.get("radius_km")
            radius_km = float(radius) if radius is not None else DEFAULT_SEARCH_RADIUS_KM
            # Public searches (a snapped centre, whole km, public points only) unless the list
            # holds only the viewer's own posts: then the exact points reveal nothing new.
            queryset = post_near(
                queryset, point=point, radius_km=radius_km, exact=bool(data.get("mine"))
            )
        ordering = data.get("ordering") or ("distance" if point is not None else "-created_at")
        if ordering != "distance":
            queryset = queryset.order_by(ordering, "-pk")
        return queryset
