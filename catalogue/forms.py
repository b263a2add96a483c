from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
            "sort": data.get("sort") or "",
        }
