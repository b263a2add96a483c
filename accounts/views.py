from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.forms import MembershipRequestForm, ProfileForm
from accounts.models import Membership
from accounts.scopes import coordinator_scope
from accounts.selectors import (
    memberships_to_decide_for,
    organisations_administered,
    user_memberships,
)
from accounts.services import (
    membership_decide,
    membership_request,
    user_profile_update,
    user_set_language,
)


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's set_language, and for a signed-in person also remember the choice."""
    response = set_language(request)
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=request.POST.get("language", ""))
    return response


@login_required
def my_organisations(request: HttpRequest) -> HttpResponse:
    """The organisations a person belongs to or asked to join, and a request to join another;
    a coordinator who looks after the organisation approves requests."""
    form = MembershipRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        membership_request(user=request.user, organisation=form.cleaned_data["organisation"])
        messages.success(request, _("Request sent. A coordinator will confirm it."))
        return redirect("my_organisations")
    return render(
        request,
        "accounts/my_organisations.html",
        {
            "form": form,
            "memberships": user_memberships(user=request.user),
            "export_datasets": [
                ("offers", _("Offers")),
                ("needs", _("Needs")),
                ("matches", _("Matches")),
            ],
        },
        status=400 if form.errors else 200,
    )


@login_required
def membership_queue(request: HttpRequest) -> HttpResponse:
    """Requests to join the organisations the coordinator looks after."""
    scope = coordinator_scope(user=request.user)
    if scope.is_empty and not organisations_administered(user=request.user):
        raise PermissionDenied
    return render(
        request,
        "accounts/membership_queue.html",
        {"memberships": memberships_to_decide_for(user=request.user, scope=scope)},
    )


@require_POST
@login_required
def membership_decide_view(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("approve", "reject"):
        raise Http404
    scope = coordinator_scope(user=request.user)
    # Out of scope is "not found", like every other coordinator page.
    membership = memberships_to_decide_for(user=request.user, scope=scope).filter(pk=pk).first()
    if membership is None:
        raise Http404
    membership_decide(membership=membership, approve=decision == "approve", actor=request.user)
    if membership.status == Membership.Status.APPROVED:
        messages.success(
            request,
            _("%(user)s is now staff of %(organisation)s.")
            % {"user": membership.user, "organisation": membership.organisation},
        )
    else:
        messages.success(request, _("The request was declined."))
    return redirect("membership_queue")


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    """Name, phone and language, and a preview of what the other side of a connected match
    sees (the same fragment as the match page)."""
    user = request.user
    initial = {
        "display_name": user.display_name,
        "phone": user.phone,
        "preferred_language": user.preferred_language,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user_profile_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("my_profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "person": user},
        status=400 if form.errors else 200,
    )
