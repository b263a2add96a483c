from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from moderation.models import MAX_COMMENT_LENGTH, ReportReason


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
