from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.channels import channel_names
from notifications.models import Preference

CHANNEL_LABELS = {"email": _("Email"), "log": _("Server log (for testing)")}


class PreferenceForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("Send me messages by"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You always find every message in your inbox on the site."),
    )
    mode = forms.ChoiceField(label=_("How often"), choices=Preference.Mode.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = [
            (name, CHANNEL_LABELS.get(name, name)) for name in channel_names()
        ]
