"""Coordinator queue, the match page for its two sides, and a person's matches. Thin: parse,
call one selector or service, render."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from matching import follow_up, lifecycle
from matching.forms import CloseForm, ManualMatchForm, QueueFilterForm, RejectForm, RespondForm
from matching.models import Match, MatchStatus, MatchTransition
from matching.respond import match_request, respond_rate_exceeded
from matching.selectors import (
    QueueFilters,
    match_contact_people,
    match_in_scope,
    match_list_for_participant,
    match_public_distance_km,
    match_queue_for,
    match_requests_waiting,
    match_viewer_sides,
    respond_own_posts,
    user_can_coordinate,
)
from matching.sms_replies import sms_reply_handle
from moderation.models import Concern
from needs.models import Need
from offers.models import Offer
from posts.ratelimit import RateLimitExceeded
from posts.selectors import post_visible
from rights.models import ContactAccess
from rights.services import contact_access_record

QUEUE_PAGE_SIZE = 25  # each proposal carries a small map: keep a page light on a phone


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _require_coordinator(request: HttpRequest) -> None:
    if not user_can_coordinate(user=request.user):
        raise PermissionDenied(_("Only coordinators can see the match queue."))


@login_required
def match_queue(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    form = QueueFilterForm(request.GET or None)
    filters = QueueFilters()
    if form.is_valid():
        filters = form.filters()
    page = Paginator(match_queue_for(user=request.user, filters=filters), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    matches = list(page.object_list)
    pairs = [
        {
            "id": match.pk,
            "offer": [match.offer.location.y, match.offer.location.x],
            "need": [match.need.location.y, match.need.location.x],
        }
        for match in matches
    ]
    return render(
        request,
        "matching/queue.html",
        {
            "form": form,
            "matches": matches,
            "page": page,
            "pairs": pairs,
            "manual_form": ManualMatchForm(),
            "export_datasets": [
                ("offers", _("Offers")),
                ("needs", _("Needs")),
                ("matches", _("Matches")),
            ],
            "map_tiles": settings.POMOC_MAP_TILES,
            "map_attribution": settings.POMOC_MAP_ATTRIBUTION,
        },
    )


def _queue_redirect(request: HttpRequest) -> HttpResponse:
    """Back to the queue page the coordinator came from (with its filters), never off-site."""
    target = request.POST.get("next", "")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("match_queue")
    return HttpResponseRedirect(target)


@login_required
@require_POST
def match_approve(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    match = get_object_or_404(Match, pk=pk)
    if not match_in_scope(user=request.user, match=match):
        raise Http404
    try:
        lifecycle.match_approve(match, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The match was approved; both sides were asked to answer."))
    return _queue_redirect(request)


@login_required
@require_POST
def match_reject(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    match = get_object_or_404(Match, pk=pk)
    if not match_in_scope(user=request.user, match=match):
        raise Http404
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the match is rejected."))
        return _queue_redirect(request)
    try:
        lifecycle.match_reject(match, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The match was rejected."))
    return _queue_redirect(request)


@login_required
@require_POST
def match_bulk_approve(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    try:
        ids = [int(value) for value in request.POST.getlist("match")]
        count = lifecycle.match_bulk_approve(ids, actor=request.user)
    except ValueError:
        messages.error(request, _("Choose at least one proposal."))
    except (ValidationError, PermissionDenied) as error:
        text = _error_text(error) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    else:
        messages.success(request, _("%(count)d matches approved.") % {"count": count})
    return _queue_redirect(request)


@login_required
@require_POST
def match_create_manual(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    form = ManualMatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the id of an offer and of a need."))
        return _queue_redirect(request)
    offer = Offer.objects.filter(pk=form.cleaned_data["offer"]).first()
    need = Need.objects.filter(pk=form.cleaned_data["need"]).first()
    if offer is None or need is None:
        messages.error(request, _("No offer or need with that id."))
        return _queue_redirect(request)
    try:
        match = lifecycle.match_create_manual(
            offer=offer,
            need=need,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            household_override=form.cleaned_data["household_override"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _queue_redirect(request)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return _queue_redirect(request)
    messages.success(request, _("The match was created and approved."))
    return redirect("match_detail", pk=match.pk)


def _visible_match(request: HttpRequest, pk: int) -> tuple[Match, set[str]]:
    match = get_object_or_404(Match.objects.select_related("offer", "need"), pk=pk)
    sides = match_viewer_sides(user=request.user, match=match)
    if sides is None:
        raise Http404
    return match, sides


@login_required
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    match, sides = _visible_match(request, pk)
    answers = {"offer": match.offer_response, "need": match.need_response}
    others = match_contact_people(match=match, sides=sides)
    for person in others:
        # Every showing of someone's contact goes into their access log (issue 11).
        contact_access_record(
            viewer=request.user, subject=person, where=ContactAccess.Where.MATCH_PAGE, match=match
        )
    return render(
        request,
        "matching/match_detail.html",
        {
            "match": match,
            "sides": sides,
            # Coordinators in scope see the exact distance the score used; a side, the public.
            "distance_km": match_public_distance_km(match)
            if sides
            else match.explanation.get("distance_km"),
            "can_answer": match.status == MatchStatus.APPROVED
            and any(answers[side] == "pending" for side in sides),
            "can_close": match.status == MatchStatus.CONNECTED and bool(sides),
            # Contacts only after both accepted, and only to the parties.
            "contacts": others,
            "close_form": CloseForm(),
            "transitions": MatchTransition.objects.filter(match=match).select_related("actor"),
            # Steps an operator took for a person registered without email.
            "proxy_actions": match.proxy_actions.select_related("actor", "person"),
            # A side sees only the concerns it raised itself; coordinators in scope all of them.
            "concerns": Concern.objects.filter(
                match=match, **({"raised_by": request.user} if sides else {})
            ).order_by("created_at"),
        },
    )


@login_required
@require_POST
def match_respond(request: HttpRequest, pk: int) -> HttpResponse:
    match, sides = _visible_match(request, pk)
    if not sides:
        raise PermissionDenied(_("You are not a party to this match."))
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        # A missing or garbled answer must not count as a decline: declining is final.
        messages.error(request, _("Choose to accept or to decline."))
        return redirect("match_detail", pk=pk)
    try:
        lifecycle.match_respond(match, actor=request.user, accept=answer == "accept")
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Thank you, your answer was saved."))
    return redirect("match_detail", pk=pk)


@login_required
@require_POST
def match_close(request: HttpRequest, pk: int) -> HttpResponse:
    match, sides = _visible_match(request, pk)
    if not sides:
        raise PermissionDenied(_("You are not a party to this match."))
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether it worked out."))
        return redirect("match_detail", pk=pk)
    try:
        lifecycle.match_close(
            match,
            actor=request.user,
            worked=form.cleaned_data["worked"],
            outcome=form.cleaned_data["outcome"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Thank you, the match is closed."))
    return redirect("match_detail", pk=pk)


@login_required
def my_matches(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "matching/my_matches.html",
        {
            "matches": match_list_for_participant(user=request.user),
            "requests": match_requests_waiting(user=request.user),
        },
    )


@login_required
def respond(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """ "I need this" on an offer (``kind="offer"``), "I can help" on a need: pick or write
    one's own post and a message; the pair goes to the coordinators' queue."""
    target_model, own_model = (Offer, Need) if kind == "offer" else (Need, Offer)
    target = post_visible(target_model, user=request.user).filter(pk=pk).first()
    if target is None:
        raise Http404
    own_side = "need" if kind == "offer" else "offer"
    form = RespondForm(
        request.POST or None,
        own_side=own_side,
        target=target,
        own_posts=respond_own_posts(own_model, user=request.user),
        user=request.user,
    )
    status = 200
    if request.method == "POST":
        if respond_rate_exceeded(user=request.user):
            form.add_error(
                None,
                _("You have responded to many posts in a short time. Please try again later."),
            )
            status = 429
        elif form.is_valid():
            try:
                match_request(actor=request.user, **form.service_kwargs())
            except ValidationError as error:
                form.add_service_error(error)
            except RateLimitExceeded as error:
                form.add_error(None, error.message)
                status = 429
            else:
                messages.success(
                    request,
                    _("Thank you. A coordinator will look at your request and let you know."),
                )
                return redirect(f"{kind}_detail", pk=target.pk)
        if status == 200:
            status = 400 if form.errors else 200
    return render(
        request,
        "matching/respond.html",
        {"form": form, "target": target, "kind": kind, "own_side": own_side},
        status=status,
    )


def _inbound_field(data, *names: str) -> str:
    for name in names:
        value = data.get(name)
        if value:
            return str(value)
    return ""


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> JsonResponse:
    """The SMS gateway's webhook for incoming messages: ``from`` (or ``phone``, ``urn``) and
    ``text`` (or ``message``), as JSON or a form; authenticated by the shared secret
    ``POMOC_SMS_INBOUND_SECRET`` in the ``X-Pomoc-Secret`` header or a ``secret`` parameter.
    The answer's ``reply`` is the text to send back to the person."""
    secret = settings.POMOC_SMS_INBOUND_SECRET
    given = request.headers.get("X-Pomoc-Secret") or request.GET.get("secret", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"detail": _("Wrong or missing secret.")}, status=403)
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"detail": _("The body is not valid JSON.")}, status=400)
        if not isinstance(data, dict):
            return JsonResponse({"detail": _("The body is not a JSON object.")}, status=400)
    else:
        data = request.POST
    phone = _inbound_field(data, "from", "phone", "urn")
    text = _inbound_field(data, "text", "message")
    errors = {}
    if not phone:
        errors["from"] = [_("This field is required.")]
    if not text:
        errors["text"] = [_("This field is required.")]
    if errors:
        return JsonResponse(errors, status=400)
    result = sms_reply_handle(phone=phone, text=text)
    status = 200 if result.ok else {"format": 400, "unknown_code": 404}.get(result.error, 409)
    return JsonResponse(
        {"ok": result.ok, "error": result.error, "reply": result.reply}, status=status
    )


# The signed token is the authority (it reaches only that side's owner, by their own channel);
# GET only shows what the click would do, so a mail scanner that follows links answers nothing.
@require_http_methods(["GET", "POST"])
def match_follow_up(request: HttpRequest, token: str) -> HttpResponse:
    template = "matching/follow_up.html"
    try:
        if request.method == "POST":
            link = follow_up.follow_up_answer(token)
            return render(request, template, {"link": link, "done": True})
        link = follow_up.follow_up_link_read(token)
    except follow_up.FollowUpLinkError as error:
        return render(request, template, {"error": error.message}, status=400)
    except ValidationError as error:
        return render(request, template, {"error": _error_text(error)}, status=400)
    return render(request, template, {"link": link, "done": False})
