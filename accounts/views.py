from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.forms import MembershipRequestForm
from accounts.selectors import user_memberships
from accounts.services import membership_request, user_set_language


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
    a coordinator approves requests in the admin."""
    form = MembershipRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        membership_request(user=request.user, organisation=form.cleaned_data["organisation"])
        messages.success(request, _("Request sent. A coordinator will confirm it."))
        return redirect("my_organisations")
    return render(
        request,
        "accounts/my_organisations.html",
        {"form": form, "memberships": user_memberships(user=request.user)},
        status=400 if form.errors else 200,
    )
