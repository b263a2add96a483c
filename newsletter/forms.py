from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from newsletter.models import Issue


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    language = forms.ChoiceField(label=_("Language of the newsletter"), choices=settings.LANGUAGES)


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["subject_en", "body_en", "subject_cs", "body_cs", "subject_uk", "body_uk"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 10}) for name in ["body_en", "body_cs", "body_uk"]
        }
