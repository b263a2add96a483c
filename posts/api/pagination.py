from __future__ import annotations

from rest_framework.pagination import PageNumberPagination
from rest_framework_gis.pagination import GeoJsonPagination


class PostPagination(PageNumberPagination):
    """Page numbers, not cursors: results can be sorted by distance from a point, which a
    cursor over a stable column cannot express."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class PostGeoJsonPagination(GeoJsonPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response_schema(self, schema: dict) -> dict:
        """A page is the FeatureCollection (``schema``, with its ``features`` array) plus
        ``count`` and the links. rest_framework_gis' own version keeps ``results`` required and
        describes ``features`` as an object, which the responses do not match."""
        links = PageNumberPagination.get_paginated_response_schema(self, schema)["properties"]
        return {
            "allOf": [
                schema,
                {
                    "type": "object",
                    "required": ["type", "count", "features"],
                    "properties": {name: links[name] for name in ("count", "next", "previous")},
                },
            ]
        }
