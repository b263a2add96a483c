"""What the API shows of a match, with the match page's rules: a party sees the public
distance and, once both accepted, the other side's contact; a coordinator in scope the
score's exact distance and no contacts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matching.lifecycle import OUTCOME_MAX_LENGTH
from matching.models import Match, MatchStatus, Response
from matching.selectors import match_public_distance_km, post_sides
from moderation.models import MAX_COMMENT_LENGTH
from posts.api.strict import StrictSerializer


class MatchPostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.CharField(source="category.slug")
    place_name = serializers.CharField()
    status = serializers.CharField()


class ContactSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=["offer", "need"])
    name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField(allow_blank=True)


class MatchSerializer(serializers.ModelSerializer):
    """A match. ``sides`` lists the sides the caller answers for (empty for a coordinator);
    ``contacts`` is filled only on the detail of a connected match, for its parties."""

    offer = MatchPostSerializer(read_only=True)
    need = MatchPostSerializer(read_only=True)
    sides = serializers.SerializerMethodField()
    distance_km = serializers.SerializerMethodField()
    can_answer = serializers.SerializerMethodField()
    can_close = serializers.SerializerMethodField()
    contacts = serializers.SerializerMethodField()

    class Meta:
        model = Match
        fields = [
            "id",
            "status",
            "offer",
            "need",
            "score",
            "units",
            "offer_response",
            "need_response",
            "proposed_at",
            "decided_at",
            "connected_at",
            "closed_at",
            "reason",
            "outcome",
            "sides",
            "distance_km",
            "can_answer",
            "can_close",
            "contacts",
        ]
        read_only_fields = fields

    def _sides(self, match: Match) -> set[str]:
        known = self.context.get("sides")
        if known is not None:
            return known
        user = self.context["request"].user
        return post_sides(
            match=match, user_id=user.pk, organisation_ids=self.context["organisation_ids"]
        )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_sides(self, match: Match) -> list[str]:
        return sorted(self._sides(match))

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, match: Match) -> float | None:
        if self._sides(match):
            return match_public_distance_km(match)
        return match.explanation.get("distance_km")

    @extend_schema_field(serializers.BooleanField())
    def get_can_answer(self, match: Match) -> bool:
        answers = {"offer": match.offer_response, "need": match.need_response}
        return match.status == MatchStatus.APPROVED and any(
            answers[side] == Response.PENDING for side in self._sides(match)
        )

    @extend_schema_field(serializers.BooleanField())
    def get_can_close(self, match: Match) -> bool:
        return match.status == MatchStatus.CONNECTED and bool(self._sides(match))

    @extend_schema_field(ContactSerializer(many=True))
    def get_contacts(self, match: Match) -> list[dict[str, Any]]:
        return self.context.get("contacts", [])


class AnswerSerializer(StrictSerializer):
    answer = serializers.ChoiceField(choices=["accept", "decline"])


class CloseSerializer(StrictSerializer):
    worked = serializers.BooleanField(help_text=_("Whether it worked out."))
    outcome = serializers.CharField(
        max_length=OUTCOME_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class RejectSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500)


class ApproveSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BulkApproveSerializer(StrictSerializer):
    matches = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=200,
    )


class BulkApproveResultSerializer(serializers.Serializer):
    approved = serializers.IntegerField()


class ManualMatchSerializer(StrictSerializer):
    offer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    need = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    household_override = serializers.BooleanField(required=False, default=False)


class QueueQuerySerializer(serializers.Serializer):
    """Documents the queue's parameters; they are checked by the web queue's form."""

    category = serializers.IntegerField(required=False, help_text=_("A category id."))
    region = serializers.CharField(required=False)
    urgency = serializers.IntegerField(required=False, min_value=1, max_value=4)
    age = serializers.IntegerField(required=False, min_value=0, max_value=365)


class ConcernCreateSerializer(StrictSerializer):
    text = serializers.CharField(max_length=MAX_COMMENT_LENGTH)


class ConcernSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    match = serializers.IntegerField(source="match_id")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answer = serializers.CharField(allow_blank=True)
