from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from notifications import selectors, services
from notifications.forms import PreferenceForm


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notification_inbox(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    services.notification_mark_read(user=request.user, notification_id=notification_id)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    preference = services.preference_for(request.user)
    form = PreferenceForm(
        request.POST or None,
        initial={"channels": preference.channels, "mode": preference.mode},
    )
    if request.method == "POST" and form.is_valid():
        services.preference_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
@require_POST
def unsubscribe_links_revoke(request: HttpRequest) -> HttpResponse:
    services.unsubscribe_links_revoke(user=request.user)
    messages.success(request, _("The unsubscribe links in your earlier emails no longer work."))
    return redirect("notifications:preferences")


# The random key authenticates the request; mail clients' one-click unsubscribe
# (RFC 8058) POSTs without a CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        if not selectors.unsubscribe_key_exists(token=token):
            return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "notifications/unsubscribe.html", {"token": token, "done": False})
    user = services.unsubscribe(token=token)
    if user is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    return render(request, "notifications/unsubscribe.html", {"done": True})
