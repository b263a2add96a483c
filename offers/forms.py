from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
