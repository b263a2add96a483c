from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from moderation.models import (
    MAX_COMMENT_LENGTH,
    ModerationAction,
    PostModeration,
    Report,
    ReportReason,
    ReportStatus,
)
from posts.api.strict import StrictSerializer

KIND_CHOICES = [("offer", _("Offer")), ("need", _("Need"))]
MAX_ID = 2**63 - 1


class ReportCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    post = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reason = serializers.ChoiceField(choices=ReportReason.choices)
    comment = serializers.CharField(
        max_length=MAX_COMMENT_LENGTH, required=False, allow_blank=True, default=""
    )


class ReportSerializer(serializers.ModelSerializer):
    """A report as its author sees it (no comment of others) and as coordinators see it."""

    kind = serializers.SerializerMethodField()
    post = serializers.SerializerMethodField()
    post_title = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "kind", "post", "post_title", "reason", "comment", "status", "created_at"]
        read_only_fields = fields

    def get_kind(self, report: Report) -> str:
        return "offer" if report.offer_id else "need"

    def get_post(self, report: Report) -> int:
        return report.offer_id or report.need_id

    def get_post_title(self, report: Report) -> str:
        return report.post.title


class ReportHandleSerializer(StrictSerializer):
    status = serializers.ChoiceField(
        choices=[(ReportStatus.RESOLVED, _("Resolved")), (ReportStatus.DISMISSED, _("Dismissed"))],
        help_text=_("Closes every open report of the same post."),
    )


class ReportHandledSerializer(serializers.Serializer):
    closed = serializers.IntegerField()


class ModeratedPostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.CharField(source="category.slug")
    status = serializers.CharField()
    region = serializers.CharField()
    created_at = serializers.DateTimeField()
    hidden = serializers.SerializerMethodField()
    hidden_at = serializers.DateTimeField(allow_null=True)
    hidden_reason = serializers.CharField()

    def get_hidden(self, post) -> bool:
        return post.hidden_at is not None


class ModerationQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KIND_CHOICES, required=False)
    state = serializers.ChoiceField(choices=["visible", "hidden"], required=False)
    category = serializers.IntegerField(required=False, help_text=_("A category id."))
    region = serializers.CharField(required=False)
    q = serializers.CharField(required=False, help_text=_("Words in the title."))


class BulkModerationSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    posts = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=200
    )
    action = serializers.ChoiceField(choices=ModerationAction.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BulkModerationResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField()


class ModerationActionSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PostModerationSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = PostModeration
        fields = ["action", "reason", "actor", "created_at"]
        read_only_fields = fields

    def get_actor(self, row: PostModeration) -> str:
        return row.actor.email if row.actor_id else ""


class PostModerationDetailSerializer(serializers.Serializer):
    post = ModeratedPostSerializer()
    history = PostModerationSerializer(many=True)
    open_reports = serializers.IntegerField()


class ConcernAnswerSerializer(StrictSerializer):
    answer = serializers.CharField(max_length=MAX_COMMENT_LENGTH)
