from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from offers.models import VERIFICATION_CHECKLIST, VerificationMethod
from posts.forms import PostForm
from posts.models import Category
from posts.units import UNITS, unit_for


class OfferForm(PostForm):
    extra_fields = ("capacity",)
    side = "offer"

    # Not required at the field: ``clean`` names what is missing in the category's unit
    # ("Say how many beds…"), which the field alone cannot know.
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=10000,
        initial=1,
        required=False,
        help_text=_("How many people or needs this offer can serve."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The capacity is shown in the chosen category's unit ("Beds"); the script relabels it
        # when the person picks another category.
        unit = unit_for(self._chosen_root())
        self.fields["capacity"].label = unit.label
        self.fields["capacity"].help_text = unit.help_text

    def _chosen_root(self) -> str | None:
        """The root slug of the category in the submitted data, else of the edited post."""
        category_id = self.data.get("category") if self.is_bound else None
        if category_id is None and self.instance is not None:
            return self.instance.root_category.slug
        try:
            category = Category.objects.select_related("parent").get(pk=int(category_id))
        except (TypeError, ValueError, Category.DoesNotExist):
            return None
        return (category.parent or category).slug

    def capacity_units(self) -> dict[str, dict[str, str]]:
        """Root slug -> the capacity's label and help text, for the script."""
        return {
            slug: {"label": str(unit.label), "help": str(unit.help_text)}
            for slug, unit in [*UNITS.items(), ("", unit_for(None))]
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("capacity") is None and "capacity" not in self.errors:
            category = data.get("category")
            root = (category.parent or category).slug if category is not None else None
            self.add_error("capacity", unit_for(root).required_message)
        return data


class HostVerificationForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How was the host verified?"),
        choices=VerificationMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say how the host was verified.")},
    )
    checklist = forms.MultipleChoiceField(
        label=_("What was checked"),
        choices=list(VERIFICATION_CHECKLIST.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Every item must hold before a host is verified."),
    )
    household_members = forms.CharField(
        label=_("Who lives in the home"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("List everyone who lives in the home.")},
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawVerificationForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the verification withdrawn?"),
        max_length=1000,
        error_messages={"required": _("Say why the verification is withdrawn.")},
    )
