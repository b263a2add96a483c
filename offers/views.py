from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from offers.forms import HostVerificationForm, OfferForm, WithdrawVerificationForm
from offers.models import Offer
from offers.selectors import (
    host_verification_required,
    host_verification_standing,
    user_can_verify_host,
)
from offers.services import (
    host_verification_withdraw,
    host_verify,
    offer_create,
    offer_set_status,
    offer_update,
)
from posts.selectors import post_visible
from posts.views import PostKind


def offer_detail_context(request: HttpRequest, offer: Offer) -> dict:
    """The host's verification on an offer's page: its owner sees whether it is awaited, a
    verifier the record and the buttons."""
    required = host_verification_required(offer)
    return {
        "verification_required": required,
        "verification": host_verification_standing(offer) if required else None,
        "can_verify_host": required and user_can_verify_host(user=request.user, offer=offer),
        "withdraw_verification_form": WithdrawVerificationForm(),
    }


OFFER_KIND = PostKind(
    model=Offer,
    form_class=OfferForm,
    create=offer_create,
    update=offer_update,
    set_status=offer_set_status,
    name="offer",
    detail_context=offer_detail_context,
)


def _offer_to_verify(request: HttpRequest, pk: int) -> Offer:
    offer = (
        post_visible(Offer, user=request.user)
        .select_related("category__parent")
        .filter(pk=pk)
        .first()
    )
    if offer is None:
        raise Http404
    if not user_can_verify_host(user=request.user, offer=offer):
        raise PermissionDenied
    return offer


@login_required
def host_verification(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer_to_verify(request, pk)
    form = HostVerificationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            host_verify(
                offer=offer,
                actor=request.user,
                method=data["method"],
                checklist=dict.fromkeys(data["checklist"], True),
                household_members=data["household_members"],
                notes=data["notes"],
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(None if name == "__all__" else name, errors)
        else:
            messages.success(request, _("The host is verified; the offer can now be proposed."))
            return redirect("offer_detail", pk=offer.pk)
    return render(
        request,
        "offers/host_verification.html",
        {"form": form, "offer": offer},
        status=400 if form.errors else 200,
    )


@login_required
def host_verification_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("offer_detail", pk=pk)
    offer = _offer_to_verify(request, pk)
    form = WithdrawVerificationForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        host_verification_withdraw(
            offer=offer, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The verification is withdrawn; open proposals are withdrawn."))
    return redirect("offer_detail", pk=offer.pk)
