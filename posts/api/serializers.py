"""Serializers shared by the offer and need APIs; ``offers.api`` and ``needs.api`` add only
their own fields (capacity; number of people and urgency).

Reading: the public representation never names the owner or their contacts, and gives the
post's public point (the 0.01° grid, about 1 km) unless the viewer may edit the post.
Writing: the serializers only parse and type-check; the services validate the rules and save.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.gis.geos import Point
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_gis import build_point_geo_schema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeoJsonDict, GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from accounts.models import Organisation
from posts.api.viewer import Viewer
from posts.models import MAX_DESCRIPTION_LENGTH, MAX_RADIUS_KM, Category, Post, PostStatus
from posts.selectors import public_point

POST_READ_FIELDS = [
    "id",
    "category",
    "category_name",
    "title",
    "description",
    "place_name",
    "latitude",
    "longitude",
    "location_exact",
    "radius_km",
    "remote",
    "languages",
    "valid_from",
    "valid_until",
    "ends_on",
    "status",
    "details",
    "organisation",
    "organisation_name",
    "distance_km",
    "can_edit",
    "created_at",
    "updated_at",
]


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("Name in the request's language."))
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "slug",
            "name",
            "name_cs",
            "name_uk",
            "name_ru",
            "name_pl",
            "name_en",
            "parent",
            "sensitive",
        ]


def _viewer(serializer: serializers.BaseSerializer) -> Viewer:
    return serializer.context.get("viewer") or Viewer()


class PostReadSerializer(serializers.ModelSerializer):
    """The representation of an offer or a need; subclasses set ``Meta.model``."""

    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    location_exact = serializers.SerializerMethodField(
        help_text=_("False when the coordinates are rounded to about 1 km.")
    )
    organisation_name = serializers.CharField(
        source="organisation.name", read_only=True, allow_null=True, default=None
    )
    distance_km = serializers.SerializerMethodField(
        help_text=_("Distance from the searched place, when a place was given.")
    )
    can_edit = serializers.SerializerMethodField()
    ends_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "The last day the post is up: the end of its period (renew it with POST to its "
            "renew/ address) or its valid_until, whichever comes first."
        ),
    )

    class Meta:
        fields = POST_READ_FIELDS
        read_only_fields = POST_READ_FIELDS

    def _exact(self, post: Post) -> bool:
        return _viewer(self).can_edit(post)

    def _point(self, post: Post) -> Point:
        # Once per post for both coordinates: each GEOS call is a few microseconds, and a page
        # of a hundred posts made a thousand of them.
        points = self.__dict__.setdefault("_points", {})
        if post.pk not in points:
            points[post.pk] = public_point(post, exact=self._exact(post))
        return points[post.pk]

    @extend_schema_field(OpenApiTypes.DOUBLE)
    def get_latitude(self, post: Post) -> float:
        return self._point(post).y

    @extend_schema_field(OpenApiTypes.DOUBLE)
    def get_longitude(self, post: Post) -> float:
        return self._point(post).x

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_location_exact(self, post: Post) -> bool:
        return self._exact(post)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, post: Post) -> float | None:
        distance = getattr(post, "distance", None)
        if distance is None:
            return None
        # Whole kilometres unless measured from the exact point (one's own list) for someone who
        # may see it; a public search measures from the public point, so a tenth of a km from
        # it would be false precision.
        if getattr(post, "distance_exact", False) and self._exact(post):
            return round(distance.km, 1)
        return float(round(distance.km))

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_edit(self, post: Post) -> bool:
        return self._exact(post)


@extend_schema_field(build_point_geo_schema())
class PublicLocationField(GeometryField):
    """The post's point as GeoJSON, rounded unless the viewer may edit the post."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, post: Post) -> Any:
        exact = _viewer(self.parent).can_edit(post)
        point = public_point(post, exact=exact)
        # Written directly: the parent goes GEOS -> GDAL -> JSON text -> dict, twice per point,
        # about half the time of a page of a hundred features.
        return GeoJsonDict({"type": "Point", "coordinates": [point.x, point.y]})


class PostGeoSerializer(GeoFeatureModelSerializer):
    """GeoJSON features for maps: the same privacy rule for the point, fewer properties."""

    location = PublicLocationField()
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        geo_field = "location"
        fields = [
            "id",
            "category",
            "category_name",
            "title",
            "place_name",
            "radius_km",
            "remote",
            "languages",
            "status",
            "valid_until",
        ]


class PostWriteSerializer(serializers.Serializer):
    """Fields a person sends to create or change a post; types and ranges only."""

    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        max_length=MAX_DESCRIPTION_LENGTH, allow_blank=True, required=False
    )
    place_name = serializers.CharField(
        max_length=200, help_text=_("A place name; it is resolved to a point by the gazetteer.")
    )
    radius_km = serializers.IntegerField(min_value=0, max_value=MAX_RADIUS_KM, required=False)
    remote = serializers.BooleanField(required=False)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=3),
        min_length=1,
        max_length=30,
        help_text=_('ISO 639-1 codes of the languages spoken, e.g. ["cs", "uk"].'),
    )
    valid_from = serializers.DateField(required=False)
    valid_until = serializers.DateField(required=False, allow_null=True)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    details = serializers.JSONField(
        required=False,
        help_text=_(
            'The category\'s own answers, e.g. {"pets": true} for accommodation or '
            '{"quantity": 10} for a need of material aid.'
        ),
    )

    # What a client may echo back from a GET without it being an error (it is ignored).
    READ_ONLY_ECHO = frozenset(POST_READ_FIELDS) - {"status"}

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, Mapping):
            errors: dict[str, list[str]] = {}
            for name in sorted(set(data) - set(self.fields) - self.READ_ONLY_ECHO - {"status"}):
                errors[str(name)] = [_("Unknown field.")]
            if "status" in data and "status" not in self.fields:
                current = getattr(self.instance, "status", None)
                if data["status"] != current:
                    errors["status"] = [
                        _("Change the status with POST to this post's status/ address.")
                    ]
            if errors:
                raise serializers.ValidationError(errors)
            data = {name: value for name, value in data.items() if name in self.fields}
        return super().to_internal_value(data)


NEW_POST_STATUS_CHOICES = [
    (PostStatus.DRAFT.value, PostStatus.DRAFT.label),
    (PostStatus.ACTIVE.value, PostStatus.ACTIVE.label),
]


class PostCreateMixin(serializers.Serializer):
    """A new post starts as a draft or active; later changes go through the status action."""

    status = serializers.ChoiceField(choices=NEW_POST_STATUS_CHOICES, required=False)


class PostStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PostStatus.choices)


# Responding to a post (issue 12): "I need this" on an offer, "I can help" on a need. The
# twins name the responder's side (``own_field``) and how a new post of that side is parsed;
# the matcher's rules are the service's (``matching.respond.match_request``).
RESPOND_MESSAGE_MAX_LENGTH = 1000


class PostRespondSerializer(serializers.Serializer):
    """One of the responder's open posts (``<own_field>``: its id) or a new one
    (``new_<own_field>``: the fields of posting one, the category, place, languages, radius
    and remote taken from the post responded to unless given), and a message."""

    own_field: str = ""
    # The dotted path of the other twin's create serializer (the twins' API modules would
    # import each other).
    create_serializer_path: str = ""

    message = serializers.CharField(
        max_length=RESPOND_MESSAGE_MAX_LENGTH,
        allow_blank=True,
        required=False,
        help_text=_("For the coordinator who checks the pair; no phone numbers or addresses."),
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {str(name): [_("Unknown field.")] for name in unknown}
                )
        return super().to_internal_value(data)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        own, new_field = self.own_field, f"new_{self.own_field}"
        own_id, new = data.get(own), data.get(new_field)
        if (own_id is None) == (new is None):
            raise serializers.ValidationError(
                {own: [_("Give either %(own)s or %(new)s.") % {"own": own, "new": new_field}]}
            )
        result: dict[str, Any] = {"message": data.get("message", "")}
        if own_id is not None:
            post = self.context["own_posts"].filter(pk=own_id).first()
            if post is None:
                raise serializers.ValidationError(
                    {own: [_("Choose one of your own open posts by its id.")]}
                )
            result["own"] = post
            return result
        target = self.context["target"]
        defaults = {
            "category": target.category.slug,
            "place_name": target.place_name,
            "languages": list(target.languages),
            "radius_km": target.radius_km,
            "remote": target.remote,
        }
        create = import_string(self.create_serializer_path)(data={**defaults, **new})
        if not create.is_valid():
            raise serializers.ValidationError({new_field: create.errors})
        result["new_post"] = create.validated_data
        return result


class MatchRequestSerializer(serializers.Serializer):
    """The proposal a response created, as its responder may see it: no score, no contacts."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    requested_by = serializers.CharField(help_text=_("Whose side asked: offer or need."))
    offer = serializers.IntegerField(source="offer_id")
    need = serializers.IntegerField(source="need_id")
    units = serializers.IntegerField()
    request_message = serializers.CharField()
    proposed_at = serializers.DateTimeField()
