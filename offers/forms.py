from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from offers.models import VERIFICATION_CHECKLIST, VerificationMethod
from posts.forms import PostForm


class OfferForm(PostForm):
    extra_fields = ("capacity",)

    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=10000,
        initial=1,
        help_text=_("How many people or needs this offer can serve."),
    )


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
