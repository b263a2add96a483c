"""Forms of the operator intake: registering a person without email, and claiming the account."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from accounts.models import ConsentMethod, Organisation
from posts.languages import language_choices


class ServiceErrorsMixin:
    def add_service_error(self, error: ValidationError) -> None:
        """A service's ValidationError on its field when the form has it, else on top."""
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error.messages)


class PersonRegisterForm(ServiceErrorsMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("For organisation"), queryset=Organisation.objects.none()
    )
    display_name = forms.CharField(
        label=_("Name or alias"),
        max_length=150,
        help_text=_("What the person wants to be called; other people see this name."),
    )
    phone = PhoneNumberField(
        label=_("Phone"),
        required=False,
        help_text=_("Optional. Messages go there by SMS when SMS is set up."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages the person speaks"), choices=language_choices
    )
    preferred_language = forms.ChoiceField(
        label=_("Language of messages"), choices=settings.LANGUAGES
    )
    consent_method = forms.ChoiceField(
        label=_("Consent given"), choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    consent_given = forms.BooleanField(
        label=_("The person agreed to be registered and that we keep these details."),
        required=True,
        error_messages={"required": _("Register a person only with their consent.")},
    )

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.order_by("name")
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()


class ClaimForm(ServiceErrorsMixin, forms.Form):
    code = forms.CharField(label=_("Code from your organisation"), max_length=20, strip=True)
    email = forms.EmailField(label=_("Your email address"))
    password = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput(render_value=False), strip=False
    )
