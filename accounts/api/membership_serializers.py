from __future__ import annotations

from rest_framework import serializers

from accounts.models import Membership
from posts.api.strict import StrictSerializer


class MembershipSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    user_email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "user_email",
            "status",
            "is_admin",
            "created_at",
        ]
        read_only_fields = fields


class MembershipRequestSerializer(StrictSerializer):
    organisation = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class MembershipDecisionSerializer(StrictSerializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
