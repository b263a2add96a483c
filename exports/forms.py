from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from exports.models import Dataset
from exports.selectors import ExportFilters
from matching.models import MatchStatus
from posts.models import Category, PostStatus


class CategoryField(forms.ModelChoiceField):
    """A category by slug (as the public lists and the API name it) or by id (as the queue's
    filter does), so a button can pass on whichever filter the page has."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        field = "pk" if str(value).isdigit() else "slug"
        try:
            return self.queryset.get(**{field: value})
        except (Category.DoesNotExist, ValueError):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class ExportFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = CategoryField(Category.objects.all(), required=False, label=_("Category"))
    region = forms.CharField(label=_("Region"), required=False, max_length=100)
    date_from = forms.DateField(label=_("Created from"), required=False)
    date_to = forms.DateField(label=_("Created until"), required=False)
    organisation = forms.ModelChoiceField(
        Organisation.objects.all(),
        required=False,
        label=_("Organisation"),
        help_text=_("Export this organisation's own rows (its approved staff)."),
    )

    def __init__(self, *args, dataset: str, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = MatchStatus.choices if dataset == Dataset.MATCHES else PostStatus.choices
        self.fields["status"].choices = [("", _("Any")), *statuses]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end is before the start."))
        return data

    def filters(self) -> ExportFilters:
        data = self.cleaned_data
        return ExportFilters(
            status=data["status"],
            category_id=data["category"].pk if data["category"] else None,
            region=data["region"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
