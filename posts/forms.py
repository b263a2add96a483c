"""Web forms shared by offers and needs: one base, each app adds only its own fields.

The forms check types and ranges so a person gets an error next to the field; the services then
apply the domain rules (place lookup, dates, languages) and their ValidationErrors are put back
onto the same fields, so nothing is half-saved.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from accounts.selectors import user_organisations
from posts.details import DETAIL_FIELDS, DetailField, detail_fields_for, details_errors
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
    # "offer" or "need": which details the form asks (posts/details.py).
    side: str = ""

    category = CategoryChoiceField(label=_("Category"), queryset=category_list())
    # Only the organisations the person is an approved member of; hidden when there are none.
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Myself"),
    )
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
    # Filled by clicking the map (static/js/post-form.js); empty means the place's own point.
    latitude = forms.FloatField(
        label=_("Latitude"), required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.HiddenInput,
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

    def __init__(
        self,
        *args: Any,
        instance: Post | None = None,
        user: User | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            initial = {name: getattr(instance, name) for name in self.model_fields()}
            for name, value in (instance.details or {}).items():
                initial[DETAIL_PREFIX + name] = value
            kwargs["initial"] = initial
        self.instance = instance
        super().__init__(*args, **kwargs)
        organisations = (
            user_organisations(user=user) if user is not None and user.is_authenticated else None
        )
        if instance is not None and instance.organisation_id and organisations is not None:
            # A coordinator editing someone's post keeps the post's organisation selectable.
            organisations = organisations | Organisation.objects.filter(pk=instance.organisation_id)
        if organisations is not None and organisations.exists():
            self.fields["organisation"].queryset = organisations.distinct().order_by("name")
        else:
            del self.fields["organisation"]
        for fields in DETAIL_FIELDS.values():
            for field in fields:
                if self.side not in field.sides:
                    del self.fields[DETAIL_PREFIX + field.name]
        self.fields["place_name"].widget.attrs["data-place-check"] = "1"
        # The browser shows only the details of the chosen category (static/js/post-form.js).
        self.fields["category"].widget.attrs["data-detail-groups"] = "1"

    @classmethod
    def model_fields(cls) -> list[str]:
        return [name for name in (*COMMON_FIELDS, *cls.extra_fields) if name not in MAP_FIELDS]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.model_fields() if name in self.fields]

    def detail_groups(self) -> list[tuple[str, Any, list[forms.BoundField]]]:
        groups = []
        for slug in DETAIL_FIELDS:
            fields = [self[DETAIL_PREFIX + f.name] for f in detail_fields_for(slug, self.side)]
            if fields:
                groups.append((slug, DETAIL_GROUP_LABELS[slug], fields))
        return groups

    def category_roots(self) -> dict[int, str]:
        """Category id -> its top-level slug, for the script that shows the right details."""
        return {category.pk: (category.parent or category).slug for category in category_list()}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("“Valid until” cannot be before “valid from”."))
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error(None, _("Pick the point on the map again."))
        category = data.get("category")
        if category is not None:
            root_slug = (category.parent or category).slug
            details = self._details_of(root_slug, data)
            for name, message in details_errors(root_slug, details, self.side).items():
                self.add_error(DETAIL_PREFIX + name if name != "details" else None, message)
            data["details"] = details
        return data

    def _details_of(self, root_slug: str, data: dict[str, Any]) -> dict[str, Any]:
        """The answers that belong to the chosen category; those typed for another category
        (before the person changed their mind) are dropped."""
        details = {}
        for field in detail_fields_for(root_slug, self.side):
            value = data.get(DETAIL_PREFIX + field.name)
            if field.kind == "bool":
                details[field.name] = bool(value)
            elif value not in (None, ""):
                details[field.name] = value
        return details

    def service_kwargs(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name] for name in self.model_fields() if name in self.fields
        }
        data["details"] = self.cleaned_data.get("details", {})
        latitude, longitude = self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")
        if latitude is not None and longitude is not None:
            data["point"] = Point(longitude, latitude, srid=4326)
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


DETAIL_PREFIX = "details_"
MAP_FIELDS = ("latitude", "longitude")
COMMON_FIELDS = tuple(PostForm.base_fields)
DETAIL_GROUP_LABELS = {
    "accommodation": _("Accommodation details"),
    "transport": _("Transport details"),
    "interpreting": _("Interpreting details"),
    "material-aid": _("Material aid details"),
}


def _detail_form_field(field: DetailField) -> forms.Field:
    if field.kind == "int":
        return forms.IntegerField(
            label=field.label, required=False, min_value=field.minimum, max_value=field.maximum
        )
    if field.kind == "bool":
        return forms.BooleanField(label=field.label, required=False)
    if field.kind == "choice":
        return forms.ChoiceField(
            label=field.label, required=False, choices=[("", "—"), *field.choices]
        )
    return forms.ChoiceField(
        label=field.label, required=False, choices=lambda: [("", "—"), *language_choices()]
    )


# Detail fields join the base before the twins subclass it, so both inherit them.
for _fields in DETAIL_FIELDS.values():
    for _field in _fields:
        PostForm.base_fields[DETAIL_PREFIX + _field.name] = _detail_form_field(_field)
        PostForm.declared_fields[DETAIL_PREFIX + _field.name] = PostForm.base_fields[
            DETAIL_PREFIX + _field.name
        ]


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
