from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalogue.importer import identity_key
from catalogue.models import Funder, Project, ProjectOrganisation
from catalogue.services import project_refresh_identity
from catalogue.topics import Topic


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ["name", "full_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "full_name"]


class ProjectOrganisationInline(admin.TabularInline):
    model = ProjectOrganisation
    extra = 0
    autocomplete_fields = ["organisation"]


class ProjectAdminForm(forms.ModelForm):
    topics = forms.TypedMultipleChoiceField(
        label=_("topics"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    link = forms.URLField(label=_("link"), required=False, assume_scheme="https")

    class Meta:
        model = Project
        fields = [
            "title",
            "description",
            "start_month",
            "end_month",
            "funders",
            "topics",
            "region",
            "link",
        ]

    def clean(self) -> dict:
        """Refuse an edit that would make this project the same as another one (title,
        funders and period), with a message instead of a database error."""
        data = super().clean()
        if not self.errors and all(
            data.get(name) for name in ("title", "start_month", "end_month")
        ):
            for name in ("start_month", "end_month"):
                data[name] = data[name].replace(day=1)
            key = identity_key(
                title=data["title"],
                funders=[funder.name for funder in data.get("funders") or []],
                start_month=data["start_month"],
                end_month=data["end_month"],
            )
            clash = Project.objects.filter(identity_key=key).exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(
                    _("A project with this title, funders and period already exists.")
                )
            if data["end_month"] < data["start_month"]:
                raise forms.ValidationError(_("The last month cannot be before the first month."))
            self.instance.identity_key = key
        return data


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    form = ProjectAdminForm
    list_display = ["title", "start_month", "end_month", "source", "imported_at"]
    list_filter = ["funders", "source"]
    search_fields = ["title", "description"]
    filter_horizontal = ["funders"]
    readonly_fields = ["source", "imported_at", "updated_at"]
    inlines = [ProjectOrganisationInline]
    date_hierarchy = "start_month"

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Funders are saved only now, after the project row; the key depends on them.
        project_refresh_identity(project=form.instance)
