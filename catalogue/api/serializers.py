from __future__ import annotations

from rest_framework import serializers

from catalogue.models import Funder, Project, ProjectOrganisation


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
