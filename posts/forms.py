"""Web forms shared by offers and needs: one base, each app adds only its own fields.

The forms check types and ranges so a person gets an error next to the field; the services then
apply the domain rules (place lookup, dates, languages) and their ValidationErrors are put back
onto the same fields, so nothing is half-saved.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from posts.languages import language_choices
from posts.models import MAX_DESCRIPTION_LENGTH, MAX_RADIUS_KM, Post
from posts.selectors import category_list

MAX_SEARCH_RADIUS_KM = MAX_RADIUS_KM


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        # Subcategories are indented under their parent in the picker.
        return f"— {obj.name}" if obj.parent_id else obj.name


class PostForm(forms.Form):
    """Fields every post has. Subclasses list their extra fields in ``extra_fields``."""

    extra_fields: tuple[str, ...] = ()

    category = CategoryChoiceField(label=_("Category"), queryset=category_list())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Do not write your phone number or address here: the text is public."),
    )
    place_name = forms.CharField(
        label=_("Place"),
        max_length=200,
        help_text=_("A town, village or city district, e.g. Brno or Praha 6."),
    )
    radius_km = forms.IntegerField(
        label=_("Radius (km)"), min_value=0, max_value=MAX_RADIUS_KM, initial=10
    )
    remote = forms.BooleanField(label=_("Can be done remotely (online, by phone)"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=language_choices,
        widget=forms.SelectMultiple(attrs={"size": 7}),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, instance: Post | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(instance, name) for name in self.service_fields(instance)
            }
        self.instance = instance
        super().__init__(*args, **kwargs)

    @classmethod
    def service_fields(cls, instance: Post | None = None) -> list[str]:
        return [*PostForm.base_fields, *cls.extra_fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("“Valid until” cannot be before “valid from”."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("valid_from") is None:
            # Keep the model's default (today) rather than writing NULL.
            data.pop("valid_from", None)
        return data

    def add_service_error(self, error: ValidationError) -> None:
        """Put a service's ValidationError on the fields it names, or on the form."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


SORT_DATE = "date"
SORT_DISTANCE = "distance"


class PostSearchForm(forms.Form):
    """The browse filters; every field is optional."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=category_list().filter(parent__isnull=True),
        required=False,
        to_field_name="slug",
        empty_label=_("All categories"),
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    radius_km = forms.IntegerField(
        label=_("Within (km)"),
        required=False,
        min_value=1,
        max_value=MAX_SEARCH_RADIUS_KM,
        initial=25,
    )
    remote = forms.BooleanField(label=_("Remote only"), required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=lambda: [("", _("Any language")), *language_choices()],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(SORT_DATE, _("Newest first")), (SORT_DISTANCE, _("Nearest first"))],
    )
