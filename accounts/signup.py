"""Sign-up that does not tell whether an address is registered (issue 10, attack 6).

allauth hides an existing account only when email verification is mandatory; with Pomoc's
default ``optional`` it answers "A user is already registered with this email address", so
anyone could test which addresses have an account. Here every sign-up ends as allauth's
mandatory mode ends it, whatever ``POMOC_EMAIL_VERIFICATION`` says: a new address gets its
account and a confirmation email, a registered one gets an email telling its owner that
someone tried to sign up with it (with a password-reset link), and both answers are the same
redirect to "check your inbox", without signing anyone in. With optional verification the new
person then logs in with the password they chose, confirmed or not.

Its own module because allauth's forms import ``accounts.forms`` (the extra sign-up
questions) when they load.
"""

from __future__ import annotations

from allauth.account import app_settings
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.internal.flows.login import perform_login
from allauth.account.internal.flows.signup import complete_signup
from allauth.account.models import Login
from allauth.account.utils import filter_users_by_email
from django.http import HttpRequest, HttpResponse

from accounts.models import User


class EnumerationSafeSignupForm(AllauthSignupForm):
    def validate_unique_email(self, value: str) -> str:
        if filter_users_by_email(value):
            # No form error: the address goes through and try_save answers as for a new one.
            self.account_already_exists = True
            return value
        return super().validate_unique_email(value)

    def try_save(self, request: HttpRequest) -> tuple[User | None, HttpResponse]:
        honeypot = app_settings.SIGNUP_FORM_HONEYPOT_FIELD
        if honeypot and self.cleaned_data.get(honeypot):
            return super().try_save(request)  # allauth's fake answer to bots
        if self.account_already_exists:
            # allauth's own enumeration-safe path: the "account already exists" email to the
            # owner, the "confirmation sent" message and the "check your inbox" redirect.
            login = Login(
                user=None,
                email=self.cleaned_data["email"],
                signup=True,
                email_verification=EmailVerificationMethod.MANDATORY,
            )
            return None, perform_login(request, login)
        user = self.save(request)
        response = complete_signup(
            request, user=user, email_verification=EmailVerificationMethod.MANDATORY
        )
        return user, response
