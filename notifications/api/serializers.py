from __future__ import annotations

from rest_framework import serializers

from notifications.models import Notification, Preference
from posts.api.strict import StrictSerializer


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "subject",
            "body_text",
            "action_url",
            "created_at",
            "read_at",
            "read",
        ]
        read_only_fields = fields

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class PreferenceSerializer(StrictSerializer):
    channels = serializers.ListField(child=serializers.CharField(max_length=30), max_length=10)
    mode = serializers.ChoiceField(choices=Preference.Mode.choices)


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()
