"""The extra questions of the web sign-up form (django-allauth asks email and password)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from accounts.models import Organisation, User
from accounts.services import SignupIntent, user_signup_complete


class SignupForm(forms.Form):
    intent = forms.ChoiceField(
        label=_("I want to"),
        choices=[
            (SignupIntent.OFFER, _("offer help")),
            (SignupIntent.NEED, _("find help for myself or my family")),
            (SignupIntent.ORGANISATION, _("help as staff of an organisation")),
        ],
        widget=forms.RadioSelect,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_("Staff only: ask to join your organisation; a coordinator confirms it."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = (get_language() or settings.LANGUAGE_CODE)[:2]
        if current in dict(settings.LANGUAGES):
            self.fields["preferred_language"].initial = current

    def clean(self) -> dict:
        data = super().clean()
        if data.get("organisation") and data.get("intent") != SignupIntent.ORGANISATION:
            self.add_error(
                "organisation", _("Only organisation staff can ask to join an organisation.")
            )
        return data

    def signup(self, request: HttpRequest, user: User) -> None:
        # Called by allauth right after it saved the new user.
        user_signup_complete(
            user=user,
            intent=self.cleaned_data["intent"],
            preferred_language=self.cleaned_data["preferred_language"],
            organisation=self.cleaned_data.get("organisation"),
        )


class MembershipRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Organisations the person has not asked to join yet.
        self.fields["organisation"].queryset = Organisation.objects.exclude(
            memberships__user=user
        ).order_by("name")


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=150,
        required=False,
        help_text=_("The name the other side of a connected match sees."),
    )
    phone = PhoneNumberField(
        label=_("Phone"),
        required=False,
        help_text=_(
            "With the country code, e.g. +420 777 123 456 or +380 50 123 4567; "
            "a number without one is read as Czech. Shown only to the other side of a "
            "connected match."
        ),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES
    )
