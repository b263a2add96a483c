from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from newsletter.models import Issue


class SubscriptionSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    language = serializers.ChoiceField(choices=[code for code, _name in settings.LANGUAGES])


class IssueSerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()

    class Meta:
        model = Issue
        fields = ["id", "subject", "body", "sent_at"]

    def _language(self) -> str:
        request = self.context.get("request")
        return getattr(request, "LANGUAGE_CODE", "en") if request else "en"

    def get_subject(self, issue: Issue) -> str:
        return issue.text_in(self._language())[0]

    def get_body(self, issue: Issue) -> str:
        return issue.text_in(self._language())[1]


class IssueWriteSerializer(serializers.ModelSerializer):
    """A draft issue: English required, Czech and Ukrainian optional (both or neither)."""

    class Meta:
        model = Issue
        fields = ["subject_en", "body_en", "subject_cs", "body_cs", "subject_uk", "body_uk"]
        extra_kwargs = {
            name: {"required": False, "allow_blank": True}
            for name in ["subject_cs", "body_cs", "subject_uk", "body_uk"]
        }


class IssueDraftSerializer(IssueWriteSerializer):
    class Meta(IssueWriteSerializer.Meta):
        fields = ["id", "status", "sent_at", "recipients", *IssueWriteSerializer.Meta.fields]
        read_only_fields = ["id", "status", "sent_at", "recipients"]
