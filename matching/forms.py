from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.lifecycle import OUTCOME_MAX_LENGTH
from matching.selectors import QueueFilters
from needs.models import Urgency
from posts.models import Category


class QueueFilterForm(forms.Form):
    category = forms.ModelChoiceField(
        Category.objects.all(), required=False, label=_("Category"), empty_label=_("Any")
    )
    region = forms.CharField(required=False, max_length=100, label=_("Region"))
    urgency = forms.TypedChoiceField(
        choices=[("", _("Any")), *Urgency.choices],
        coerce=int,
        empty_value=None,
        required=False,
        label=_("At least this urgent"),
    )
    age = forms.IntegerField(
        required=False, min_value=0, max_value=365, label=_("Waiting at least (days)")
    )

    def filters(self) -> QueueFilters:
        """The selector's filters (the web queue and the API read the same parameters)."""
        data = self.cleaned_data
        return QueueFilters(
            category_id=data["category"].pk if data["category"] else None,
            region=data["region"].strip(),
            min_urgency=data["urgency"],
            min_age_days=data["age"],
        )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ManualMatchForm(forms.Form):
    offer = forms.IntegerField(label=_("Offer id"), min_value=1)
    need = forms.IntegerField(label=_("Need id"), min_value=1)
    household_override = forms.BooleanField(
        label=_("I checked this host for a group with children or of women only"),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("Required when you override the household rule; kept in the history."),
    )


class CloseForm(forms.Form):
    worked = forms.TypedChoiceField(
        label=_("How did it go?"),
        choices=[("yes", _("It worked out")), ("no", _("It did not work out"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    outcome = forms.CharField(
        label=_("Outcome"), max_length=OUTCOME_MAX_LENGTH, required=False, widget=forms.Textarea
    )
