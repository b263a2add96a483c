from __future__ import annotations

import contextlib
from collections.abc import Iterator

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation


def _in_preferred_language(request: HttpRequest, url: str) -> str:
    language = getattr(request.user, "preferred_language", "")
    if not language:
        return url
    # Translate first: resolving "/cs/..." only works while Czech is still active.
    url = translate_url(url, language)
    translation.activate(language)
    return url


@contextlib.contextmanager
def _recipient_language(user) -> Iterator[None]:
    """An account email in the language its recipient chose, not the page's: someone who signs
    up in Polish on the English page, or asks for a password reset from a borrowed phone set
    to Czech, gets the message in the language they read."""
    language = getattr(user, "preferred_language", "")
    if language not in dict(settings.LANGUAGES):
        yield
        return
    with translation.override(language):
        yield


class AccountAdapter(DefaultAccountAdapter):
    """After signing in or up, continue in the language the person chose (their
    preferred_language), not the one the login page happened to be shown in."""

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return _in_preferred_language(request, super().get_login_redirect_url(request))

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return _in_preferred_language(request, super().get_signup_redirect_url(request))

    def respond_email_verification_sent(self, request: HttpRequest, user) -> HttpResponseBase:
        """ "Check your inbox" in the language chosen on the sign-up form. Taken from the form,
        not from the account, so a sign-up with a registered address is answered exactly like
        one with a new address (issue 10, attack 6)."""
        response = super().respond_email_verification_sent(request, user)
        language = request.POST.get("preferred_language", "") if request.method == "POST" else ""
        if language in dict(settings.LANGUAGES) and isinstance(response, HttpResponseRedirect):
            response["Location"] = translate_url(response["Location"], language)
        return response

    def send_confirmation_mail(self, request: HttpRequest, emailconfirmation, signup: bool) -> None:
        # The confirmation link is built inside, so it opens in that language too.
        with _recipient_language(emailconfirmation.email_address.user):
            super().send_confirmation_mail(request, emailconfirmation, signup)

    def send_password_reset_mail(self, user, email: str, context: dict) -> None:
        language = getattr(user, "preferred_language", "")
        if context.get("password_reset_url") and language in dict(settings.LANGUAGES):
            # Built on the page the reset was asked from; open it in the email's language.
            # Translated before switching: resolving "/cs/..." only works while Czech is active.
            url = translate_url(context["password_reset_url"], language)
            context = {**context, "password_reset_url": url}
        with _recipient_language(user):
            super().send_password_reset_mail(user, email, context)
