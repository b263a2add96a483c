from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from needs.models import Urgency
from posts.forms import PostForm


class NeedForm(PostForm):
    extra_fields = ("people_count", "urgency")
    side = "need"

    people_count = forms.IntegerField(
        label=_("Number of people"), min_value=1, max_value=10000, initial=1
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL
    )
