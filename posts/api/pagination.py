from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from posts.models import Post
from posts.pagination import SEARCH_COUNT_CAP, search_page

COUNT_DESCRIPTION = format_lazy(
    _(
        "How many results there are, exactly up to {cap}; when count_capped is true there are "
        "more than {cap} (page on with next until it is null). The last page always has the "
        "exact count."
    ),
    cap=SEARCH_COUNT_CAP,
)
COUNT_CAPPED_DESCRIPTION = format_lazy(
    _("True when there are more than {cap} results."), cap=SEARCH_COUNT_CAP
)


class PostPagination(PageNumberPagination):
    """Page numbers, not cursors: results can be sorted by distance from a point, which a
    cursor over a stable column cannot express."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class PostSearchPagination(PostPagination):
    """The search lists of offers and needs: ``posts.pagination.search_page``, so no exact count
    above ``SEARCH_COUNT_CAP``. The response keeps DRF's shape (``count``, ``next``,
    ``previous``, ``results``) and adds ``count_capped``; ``next`` is null on the last page
    however the count was given."""

    template = None  # the browsable API's page numbers need the last page

    def paginate_queryset(
        self, queryset: QuerySet[Post], request: Request, view: Any = None
    ) -> list[Post]:
        self.request = request
        page_size = self.get_page_size(request)
        text = request.query_params.get(self.page_query_param) or "1"
        try:
            number = int(text)
        except ValueError:
            number = 0
        if number < 1:
            raise NotFound(self.invalid_page_message)
        self.page = search_page(queryset, number=number, page_size=page_size)
        if not self.page.posts and number > 1:
            raise NotFound(self.invalid_page_message)
        return self.page.posts

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.page.count,
                "count_capped": self.page.count_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return _with_capped_count(super().get_paginated_response_schema(schema))

    def get_next_link(self) -> str | None:
        if not self.page.has_next:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.page_query_param, self.page.next_page_number)

    def get_previous_link(self) -> str | None:
        if not self.page.has_previous:
            return None
        url = self.request.build_absolute_uri()
        if self.page.previous_page_number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.page.previous_page_number)


class PostGeoJsonPagination(PostSearchPagination):
    """The same pages as a GeoJSON FeatureCollection (rest_framework_gis' shape)."""

    page_size = 100
    max_page_size = 500

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "type": "FeatureCollection",
                "count": self.page.count,
                "count_capped": self.page.count_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "features": data["features"],
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        """A page is the FeatureCollection (``schema``, with its ``features`` array) plus
        ``count`` and the links. rest_framework_gis' own version keeps ``results`` required and
        describes ``features`` as an object, which the responses do not match."""
        links = _with_capped_count(PageNumberPagination.get_paginated_response_schema(self, schema))
        names = ("count", "count_capped", "next", "previous")
        return {
            "allOf": [
                schema,
                {
                    "type": "object",
                    "required": ["type", "count", "count_capped", "features"],
                    "properties": {name: links["properties"][name] for name in names},
                },
            ]
        }


def _with_capped_count(schema: dict) -> dict:
    properties = schema["properties"]
    properties["count"] = {**properties["count"], "description": COUNT_DESCRIPTION}
    properties["count_capped"] = {"type": "boolean", "description": COUNT_CAPPED_DESCRIPTION}
    schema["properties"] = {
        name: properties[name] for name in ("count", "count_capped", "next", "previous", "results")
    }
    schema["required"] = ["count", "count_capped", "results"]
    return schema
