"""A person's data: the download, who viewed their contact, deleting the account; and a
coordinator deleting an account on the person's request. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.scopes import user_can_coordinate
from rights.forms import EraseOnRequestForm, EraseOwnAccountForm
from rights.selectors import contact_accesses_of, erasable_people_for, user_data_exports
from rights.services import (
    account_erase,
    data_export_for_token,
    data_export_request,
    data_export_token,
)


@never_cache
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """GET: the person's downloads and their links; POST: prepare a new one."""
    if request.method == "POST":
        export = data_export_request(user=request.user)
        if export.status == export.Status.READY:
            messages.success(request, _("Your download is ready."))
        elif export.status == export.Status.FAILED:
            messages.error(
                request, _("Your download could not be prepared. Please try again later.")
            )
        else:
            messages.info(
                request,
                _("Your download is being prepared. Come back to this page in a few minutes."),
            )
        return redirect("my_data")
    exports = [
        {"export": export, "token": data_export_token(export) if not export.is_expired else ""}
        for export in user_data_exports(user=request.user)
    ]
    return render(request, "rights/my_data.html", {"exports": exports})


@never_cache
@login_required
def data_export_download(request: HttpRequest, token: str) -> HttpResponse:
    """The ZIP, to its owner only, while the link has not expired; anyone else gets 404."""
    export = data_export_for_token(token=token, user=request.user)
    if export is None:
        raise Http404
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"pomoc-data-{export.created_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_contact_access(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "rights/contact_access.html",
        {"accesses": contact_accesses_of(user=request.user)[:500]},
    )


@login_required
def account_erase_self(request: HttpRequest) -> HttpResponse:
    form = EraseOwnAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            account_erase(user=user, actor=user)
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            form.add_error(None, text)
        else:
            logout(request)
            messages.success(request, _("Your account was deleted. Thank you for using Pomoc."))
            return redirect("home")
    return render(
        request,
        "rights/erase_self.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def account_erase_on_request(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator deletes a person's account on their request, with the reason recorded.
    A person outside the coordinator's scope is "not found", like every coordinator page."""
    if not user_can_coordinate(user=request.user):
        raise PermissionDenied
    person = erasable_people_for(actor=request.user).filter(pk=pk).first()
    if person is None or user_can_coordinate(user=person):
        raise Http404
    form = EraseOnRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_erase(user=person, actor=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            form.add_error(None, text)
        else:
            messages.success(request, _("The account was deleted and the request recorded."))
            return redirect("home")
    return render(
        request,
        "rights/erase_on_request.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )
