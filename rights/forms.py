from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class EraseOwnAccountForm(forms.Form):
    """Deleting one's own account cannot be undone: the password confirms it is really them
    (a session left open on a shared computer is not enough)."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    understood = forms.BooleanField(
        label=_("I understand that my account, posts and open matches go and cannot be restored.")
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


class EraseOnRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Request and reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How and when the person asked for it (recorded in the audit log)."),
    )
