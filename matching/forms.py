from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.selectors import user_organisations
from matching.lifecycle import OUTCOME_MAX_LENGTH
from matching.respond import MESSAGE_MAX_LENGTH
from matching.selectors import QueueFilters
from needs.models import Urgency
from posts.languages import language_choices
from posts.models import Category
from posts.units import unit_for


class QueueFilterForm(forms.Form):
    category = forms.ModelChoiceField(
        Category.objects.all(), required=False, label=_("Category"), empty_label=_("Any")
    )
    region = forms.CharField(required=False, max_length=100, label=_("Region"))
    urgency = forms.TypedChoiceField(
        choices=[("", _("Any")), *Urgency.choices],
        coerce=int,
        empty_value=None,
        required=False,
        label=_("At least this urgent"),
    )
    age = forms.IntegerField(
        required=False, min_value=0, max_value=365, label=_("Waiting at least (days)")
    )
    origin = forms.ChoiceField(
        choices=[
            ("", _("Any")),
            ("requested", _("Asked for by people")),
            ("matcher", _("Proposed by the matcher")),
        ],
        required=False,
        label=_("Who asked"),
    )

    def filters(self) -> QueueFilters:
        """The selector's filters (the web queue and the API read the same parameters)."""
        data = self.cleaned_data
        return QueueFilters(
            category_id=data["category"].pk if data["category"] else None,
            region=data["region"].strip(),
            min_urgency=data["urgency"],
            min_age_days=data["age"],
            origin=data["origin"],
        )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ManualMatchForm(forms.Form):
    offer = forms.IntegerField(label=_("Offer id"), min_value=1)
    need = forms.IntegerField(label=_("Need id"), min_value=1)
    household_override = forms.BooleanField(
        label=_("I checked this host for a group with children or of women only"),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("Required when you override the household rule; kept in the history."),
    )


class CloseForm(forms.Form):
    worked = forms.TypedChoiceField(
        label=_("How did it go?"),
        choices=[("yes", _("It worked out")), ("no", _("It did not work out"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    outcome = forms.CharField(
        label=_("Outcome"), max_length=OUTCOME_MAX_LENGTH, required=False, widget=forms.Textarea
    )


# The choice of "write a new one" among the responder's own posts.
NEW_POST = "new"


class RespondForm(forms.Form):
    """ "I need this" on an offer (``own_side="need"``) or "I can help" on a need
    (``own_side="offer"``): one of the responder's open posts, or a new one written here with
    its essential fields filled in from the post responded to."""

    own = forms.ChoiceField(widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    place_name = forms.CharField(label=_("Place"), max_length=200, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=language_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    people_count = forms.IntegerField(
        label=_("Number of people"), min_value=1, max_value=1000, initial=1, required=False
    )
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, max_value=100_000, initial=1, required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Myself"),
    )
    message = forms.CharField(
        label=_("Message for the coordinator"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Do not write your phone number or address here."),
    )

    def __init__(self, *args, own_side: str, target, own_posts, user, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {"place_name": target.place_name, "languages": list(target.languages), "own": ""},
        )
        super().__init__(*args, **kwargs)
        self.own_side = own_side
        self.target = target
        self.own_posts = {str(post.pk): post for post in own_posts}
        new_label = _("Write a new need") if own_side == "need" else _("Write a new offer")
        self.fields["own"].label = _("Your need") if own_side == "need" else _("Your offer")
        self.fields["own"].choices = [
            *((pk, post.title) for pk, post in self.own_posts.items()),
            (NEW_POST, new_label),
        ]
        if len(self.own_posts) == 0:
            self.fields["own"].initial = NEW_POST
        if own_side == "need":
            del self.fields["capacity"]
        else:
            del self.fields["people_count"]
            self.fields["capacity"].label = unit_for(target.root_category.slug).label
        organisations = user_organisations(user=user)
        if organisations.exists():
            self.fields["organisation"].queryset = organisations.order_by("name")
        else:
            del self.fields["organisation"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("own") == NEW_POST:
            for name in ("title", "place_name", "languages"):
                if not data.get(name):
                    self.add_error(name, _("This field is required for a new post."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs: dict = {"target": self.target, "message": data["message"]}
        if data["own"] != NEW_POST:
            kwargs["own"] = self.own_posts[data["own"]]
            return kwargs
        new_post = {
            "category": self.target.category,
            "title": data["title"],
            "place_name": data["place_name"],
            "languages": data["languages"],
            "radius_km": self.target.radius_km,
            "remote": self.target.remote,
            "organisation": data.get("organisation"),
        }
        if self.own_side == "need":
            new_post["people_count"] = data.get("people_count") or 1
        else:
            new_post["capacity"] = data.get("capacity") or 1
        kwargs["new_post"] = new_post
        return kwargs

    def add_service_error(self, error: ValidationError) -> None:
        """The service's errors on the fields they name: the responder's post on the choice."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            field = "own" if name in ("need", "offer") else name
            self.add_error(field if field in self.fields else None, messages)
