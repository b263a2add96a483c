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
