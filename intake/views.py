"""Operator intake pages, the web layer over accounts, needs and matching: people registered
without email, and claiming such an account. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import ManagedAccount
from accounts.security import client_ip
from accounts.selectors import (
    managed_people_for,
    operator_can_act_for,
    operator_organisations,
    proxy_actions_for,
)
from accounts.services import (
    ClaimRateLimited,
    account_claim,
    claim_code_issue,
    managed_person_register,
)
from intake.forms import ClaimForm, PersonRegisterForm
from matching.models import Match
from needs.forms import NeedForm
from needs.services import need_create_for_person
from needs.views import NEED_KIND
from posts.ratelimit import RateLimitExceeded
from posts.views import _form_context


def _require_operator(request: HttpRequest):
    organisations = operator_organisations(user=request.user)
    if not organisations.exists():
        raise PermissionDenied(
            _("Only coordinators and staff of verified organisations register people.")
        )
    return organisations


def _person_for_operator(request: HttpRequest, pk: int) -> ManagedAccount:
    account = get_object_or_404(
        ManagedAccount.objects.select_related("user", "organisation", "registered_by"), user_id=pk
    )
    if not operator_can_act_for(user=request.user, person=account.user):
        raise PermissionDenied(_("You do not act for this person."))
    return account


@login_required
def intake_people(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    return render(
        request, "accounts/intake_people.html", {"people": managed_people_for(user=request.user)}
    )


@login_required
def intake_register(request: HttpRequest) -> HttpResponse:
    organisations = _require_operator(request)
    form = PersonRegisterForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = managed_person_register(
                operator=request.user,
                organisation=data["organisation"],
                display_name=data["display_name"],
                phone=data["phone"] or "",
                languages=data["languages"],
                preferred_language=data["preferred_language"],
                consent_method=data["consent_method"],
                consent_given=data["consent_given"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The person is registered."))
            return redirect("intake_person", pk=person.pk)
    status = 400 if form.errors else 200
    return render(request, "accounts/intake_register.html", {"form": form}, status=status)


@login_required
def intake_person(request: HttpRequest, pk: int) -> HttpResponse:
    account = _person_for_operator(request, pk)
    person = account.user
    return render(
        request,
        "accounts/intake_person.html",
        {
            "account": account,
            "person": person,
            "needs": person.needs.select_related("category").order_by("-created_at", "-pk"),
            "matches": Match.objects.filter(need__owner=person, decided_at__isnull=False)
            .select_related("offer", "need")
            .order_by("-status_changed_at", "-pk"),
            "actions": proxy_actions_for(person=person),
            "claim_code": request.session.pop(f"claim-code-{person.pk}", ""),
        },
    )


@login_required
def intake_need_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The need form, filled in by the operator for the person."""
    account = _person_for_operator(request, pk)
    form = NeedForm(request.POST or None, user=None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            need = need_create_for_person(
                operator=request.user, person=account.user, **form.service_kwargs()
            )
        except ValidationError as error:
            form.add_service_error(error)
        except RateLimitExceeded as error:
            form.add_error(None, error.message)
            status = 429
        else:
            messages.success(request, _("The need is posted for the person."))
            return redirect("need_detail", pk=need.pk)
    if status == 200 and form.errors:
        status = 400
    context = _form_context(NEED_KIND, form, None) | {"for_person": account.user}
    return render(request, "posts/post_form.html", context, status=status)


@login_required
@require_POST
def intake_claim_code(request: HttpRequest, pk: int) -> HttpResponse:
    account = _person_for_operator(request, pk)
    code = claim_code_issue(operator=request.user, person=account.user)
    # Shown once, on the next page, and never stored in clear.
    request.session[f"claim-code-{account.user_id}"] = code
    return redirect("intake_person", pk=account.user_id)


def account_claim_view(request: HttpRequest) -> HttpResponse:
    form = ClaimForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            account_claim(
                code=form.cleaned_data["code"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                client=client_ip(request) or "unknown",
            )
        except ClaimRateLimited as error:
            form.add_error(None, str(error))
            status = 429
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("The account is yours now. Log in with your email and password.")
            )
            return redirect("account_login")
    if status == 200 and form.errors:
        status = 400
    return render(request, "accounts/claim.html", {"form": form}, status=status)
