from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organisation
from catalogue.models import Funder, Project, ProjectOrganisation
from catalogue.selectors import organisation_needs, organisation_projects, public_contacts


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
