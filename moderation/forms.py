from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from moderation.models import MAX_COMMENT_LENGTH, ModerationAction, ReportReason
from moderation.selectors import PostModerationFilters
from posts.models import Category


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this post?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you are reporting this post.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional, unless you chose “Something else”."),
    )


class ReasonForm(forms.Form):
    """The reason a coordinator gives for hiding a post or blocking its owner."""

    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class ConcernForm(forms.Form):
    text = forms.CharField(
        label=_("What worries you?"),
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Only coordinators read this. The other side is not told that you raised a concern."
        ),
        error_messages={"required": _("Say what worries you.")},
    )


class ConcernAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write an answer.")},
    )


class PostModerationFilterForm(forms.Form):
    """The filters of the post moderation list (web and API alike)."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("offer", _("Offers")), ("need", _("Needs"))],
        required=False,
    )
    state = forms.ChoiceField(
        label=_("Shown"),
        choices=[("", _("All")), ("visible", _("Visible")), ("hidden", _("Hidden"))],
        required=False,
    )
    category = forms.ModelChoiceField(
        Category.objects.all(), required=False, label=_("Category"), empty_label=_("Any")
    )
    region = forms.CharField(required=False, max_length=100, label=_("Region"))
    q = forms.CharField(required=False, max_length=100, label=_("Title contains"))

    def kind_value(self) -> str:
        return self.cleaned_data.get("kind") or "offer"

    def filters(self) -> PostModerationFilters:
        data = self.cleaned_data
        return PostModerationFilters(
            state=data["state"],
            category_id=data["category"].pk if data["category"] else None,
            region=data["region"].strip(),
            text=data["q"].strip(),
        )


class BulkModerationForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=ModerationAction.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
