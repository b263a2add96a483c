from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scopes import user_is_platform_coordinator
from accounts.security import client_ip
from newsletter import selectors, services
from newsletter.forms import IssueForm, SubscribeForm
from newsletter.models import Issue


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    language = request.LANGUAGE_CODE
    form = SubscribeForm(request.POST or None, initial={"language": language})
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_request(**form.cleaned_data, client=client_ip(request))
        except services.RateLimited:
            form.add_error(None, _("Too many requests from your address. Try again in an hour."))
            return render(request, "newsletter/subscribe.html", {"form": form}, status=429)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            # The same page whether the address was new, pending or already subscribed.
            return redirect("newsletter:subscribe_sent")
    status = 400 if request.method == "POST" else 200
    return render(request, "newsletter/subscribe.html", {"form": form}, status=status)


def subscribe_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletter/subscribe_sent.html")


def _link_error(request: HttpRequest, error: services.LinkInvalid) -> HttpResponse:
    expired = isinstance(error, services.LinkExpired)
    return render(
        request, "newsletter/confirm.html", {"expired": expired, "invalid": True}, status=400
    )


# Confirming takes a POST: mail scanners open links in emails, and a GET that confirmed would
# let them opt in for the address' owner.
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "GET":
            services.subscription_check(token=token)
            return render(request, "newsletter/confirm.html", {"done": False})
        services.subscription_confirm(token=token)
    except services.LinkInvalid as error:
        return _link_error(request, error)
    return render(request, "newsletter/confirm.html", {"done": True})


# The random key authenticates the request; mail clients' one-click unsubscribe (RFC 8058)
# POSTs ``List-Unsubscribe=One-Click`` without a CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, key: str) -> HttpResponse:
    if request.method == "GET":
        return render(request, "newsletter/unsubscribe.html", {"done": False})
    if not services.subscription_cancel(key=key):
        return render(request, "newsletter/unsubscribe.html", {"invalid": True}, status=400)
    return render(request, "newsletter/unsubscribe.html", {"done": True})


def archive(request: HttpRequest) -> HttpResponse:
    entries = [
        (issue, issue.text_in(request.LANGUAGE_CODE)[0]) for issue in selectors.issue_archive()
    ]
    return render(request, "newsletter/archive.html", {"entries": entries})


def archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.issue_archive().filter(pk=pk).first()
    if issue is None:
        raise Http404(_("No such issue."))
    subject, body = issue.text_in(request.LANGUAGE_CODE)
    return render(
        request,
        "newsletter/archive_detail.html",
        {"issue": issue, "subject": subject, "body": body},
    )


def _platform_only(request: HttpRequest) -> None:
    if not user_is_platform_coordinator(user=request.user):
        raise PermissionDenied


@login_required
def issue_list(request: HttpRequest) -> HttpResponse:
    _platform_only(request)
    return render(request, "newsletter/issue_list.html", {"issues": selectors.issue_list_all()})


@login_required
@require_http_methods(["GET", "POST"])
def issue_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _platform_only(request)
    issue = get_object_or_404(Issue, pk=pk) if pk is not None else None
    if issue is not None and issue.status != Issue.Status.DRAFT:
        messages.error(request, _("A sent issue cannot be changed."))
        return redirect("newsletter:issue_list")
    form = IssueForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.issue_save(user=request.user, issue=issue, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The issue was saved as a draft."))
            return redirect("newsletter:issue_edit", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "newsletter/issue_form.html", {"form": form, "issue": issue}, status=status
    )


@login_required
@require_POST
def issue_send(request: HttpRequest, pk: int) -> HttpResponse:
    _platform_only(request)
    try:
        issue = services.issue_send(user=request.user, issue_id=pk)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("newsletter:issue_list")
    messages.success(
        request,
        _("The issue is on its way to %(count)s subscribers.") % {"count": issue.recipients},
    )
    return redirect("newsletter:issue_list")
