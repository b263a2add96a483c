from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organisation
from catalogue.models import Funder, Project, ProjectOrganisation
from catalogue.selectors import organisation_needs, organisation_projects, public_contacts
from catalogue.topics import Topic


class FunderSerializer(serializers.ModelSerializer):
    project_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Funder
        fields = ["id", "name", "full_name", "kind", "project_count"]


class FunderBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Funder
        fields = ["id", "name", "kind"]


class ProjectOrganisationSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="organisation_id")
    name = serializers.CharField(source="organisation.name")

    class Meta:
        model = ProjectOrganisation
        fields = ["id", "name", "role"]


class ProjectSerializer(serializers.ModelSerializer):
    start_month = serializers.DateField(format="%Y-%m")
    end_month = serializers.DateField(format="%Y-%m")
    status = serializers.CharField()
    funders = FunderBriefSerializer(many=True)
    organisations = ProjectOrganisationSerializer(many=True, source="organisation_links")

    class Meta:
        model = Project
        fields = [
            "id",
            "title",
            "description",
            "start_month",
            "end_month",
            "status",
            "funders",
            "organisations",
            "topics",
            "region",
            "link",
            "source",
            "imported_at",
        ]


class OrganisationSerializer(serializers.ModelSerializer):
    """A directory entry: no contact unless the organisation chose to publish it."""

    project_count = serializers.IntegerField(read_only=True)
    contacts = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "region", "description", "project_count", "contacts"]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "email": {"type": "string"},
                "phone": {"type": "string"},
                "website": {"type": "string"},
            },
        }
    )
    def get_contacts(self, organisation: Organisation) -> dict[str, str]:
        return public_contacts(organisation)


class OrganisationProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="project_id")
    title = serializers.CharField(source="project.title")
    role = serializers.CharField()


class OrganisationNeedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.CharField(source="category.slug")
    place_name = serializers.CharField()
    valid_until = serializers.DateField(allow_null=True)


class OrganisationDetailSerializer(OrganisationSerializer):
    projects = serializers.SerializerMethodField()
    open_needs = serializers.SerializerMethodField()

    class Meta(OrganisationSerializer.Meta):
        fields = [*OrganisationSerializer.Meta.fields, "projects", "open_needs"]

    @extend_schema_field(OrganisationProjectSerializer(many=True))
    def get_projects(self, organisation: Organisation) -> list[dict]:
        links = organisation_projects(organisation=organisation)
        return OrganisationProjectSerializer(links, many=True).data

    @extend_schema_field(OrganisationNeedSerializer(many=True))
    def get_open_needs(self, organisation: Organisation) -> list[dict]:
        request = self.context.get("request")
        user = request.user if request and request.user.is_authenticated else None
        needs = organisation_needs(organisation=organisation, user=user)
        return OrganisationNeedSerializer(needs, many=True).data


class ProjectSubmitSerializer(serializers.Serializer):
    """A project an organisation's approved staff member submits; it waits for review."""

    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    title = serializers.CharField(max_length=500)
    description = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    start_month = serializers.DateField(input_formats=["%Y-%m"], help_text="YYYY-MM")
    end_month = serializers.DateField(input_formats=["%Y-%m"], help_text="YYYY-MM")
    funders = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=20
    )
    topics = serializers.ListField(
        child=serializers.ChoiceField(choices=Topic.choices), required=False, max_length=20
    )
    region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    link = serializers.URLField(max_length=200, required=False, allow_blank=True)

    def validate(self, data: dict) -> dict:
        if data["end_month"] < data["start_month"]:
            raise serializers.ValidationError(
                {"end_month": [_("The last month cannot be before the first month.")]}
            )
        return data


class ProjectSubmissionSerializer(ProjectSerializer):
    review_status = serializers.CharField()
    review_reason = serializers.CharField()

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "review_status", "review_reason"]


class ProjectReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class OrganisationProfileSerializer(serializers.ModelSerializer):
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)

    class Meta:
        model = Organisation
        fields = [
            "description",
            "region",
            "website",
            "email",
            "phone",
            "public_website",
            "public_email",
            "public_phone",
        ]
