from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from catalogue.models import Funder, ProjectStatus
from catalogue.selectors import organisation_with_projects
from catalogue.topics import Topic

SORT_CHOICES = [
    ("", _("Best match / newest")),
    ("-start", _("Newest first")),
    ("start", _("Oldest first")),
    ("title", _("Title A–Z")),
]


class ProjectFilterForm(forms.Form):
    """The filters of the list page, the CSV export and the API, validated in one place."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    funder = forms.ModelChoiceField(
        label=_("Funder"),
        queryset=Funder.objects.order_by("name"),
        required=False,
        empty_label=_("All funders"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=organisation_with_projects(),
        required=False,
        empty_label=_("All organisations"),
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All topics")), *Topic.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *ProjectStatus.choices],
        required=False,
    )
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_CHOICES, required=False)

    def selector_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``project_list`` from the valid fields only, so one bad
        filter is reported while the others still apply."""
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q") or "",
            "funder": data.get("funder"),
            "organisation": data.get("organisation"),
            "topic": data.get("topic") or "",
            "status": data.get("status") or "",
            "region": data.get("region") or "",
            "sort": data.get("sort") or "",
        }


class OrganisationFilterForm(forms.Form):
    """The directory's filters (web and API)."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Organisation.Kind.choices], required=False
    )
    region = forms.CharField(label=_("Region"), max_length=100, required=False)

    def selector_kwargs(self) -> dict[str, Any]:
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q") or "",
            "kind": data.get("kind") or "",
            "region": data.get("region") or "",
        }


class MonthField(forms.DateField):
    """A month typed as 2025-03 (the browser's month picker) or 03/2025."""

    input_formats = ["%Y-%m", "%m/%Y"]
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, for example 2025-03.")}


class ProjectSubmitForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=500)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, max_length=10000, required=False
    )
    start_month = MonthField(label=_("First month"))
    end_month = MonthField(label=_("Last month"))
    funders = forms.CharField(
        label=_("Funders"),
        max_length=1000,
        required=False,
        help_text=_("Separate several funders with commas."),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https", max_length=200)

    def __init__(self, *args: Any, organisations=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations

    def clean_funders(self) -> list[str]:
        names = [name.strip() for name in self.cleaned_data["funders"].split(",")]
        return [name[:200] for name in names if name]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_month"), data.get("end_month")
        if start and end and end < start:
            self.add_error("end_month", _("The last month cannot be before the first month."))
        return data


class ProjectReviewForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class OrganisationProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

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
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for flag, contact in (
            ("public_email", "email"),
            ("public_phone", "phone"),
            ("public_website", "website"),
        ):
            if data.get(flag) and not data.get(contact) and contact not in self.errors:
                self.add_error(contact, _("Fill this in to show it in the directory."))
        return data
