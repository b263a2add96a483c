"""Pages of moderation: report a post; the coordinators' moderation queue and dashboard.

Thin views: parse, call one service or selector, render.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scopes import coordinator_scope, user_can_coordinate
from matching.models import Match
from matching.selectors import match_in_scope, user_post_sides
from moderation import selectors, services
from moderation.forms import (
    BulkModerationForm,
    ConcernAnswerForm,
    ConcernForm,
    PostModerationFilterForm,
    ReasonForm,
    ReportForm,
)
from moderation.models import Concern, ReportStatus
from moderation.ratelimit import report_rate_exceeded
from needs.models import Need
from offers.models import Offer
from posts.models import Post
from posts.ratelimit import RateLimitExceeded
from posts.selectors import post_visible

KINDS: dict[str, type[Post]] = {"offer": Offer, "need": Need}


def _model(kind: str) -> type[Post]:
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404 from None


def coordinator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors are sent to log in; anyone else who is not a coordinator gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not user_can_coordinate(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@login_required
def report_post(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    post = post_visible(_model(kind), user=request.user).filter(pk=pk).first()
    if post is None:
        raise Http404
    form = ReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if report_rate_exceeded(user=request.user):
            form.add_error(
                None, _("You have sent many reports in a short time. Please try again later.")
            )
            status = 429
        elif form.is_valid():
            try:
                services.report_create(reporter=request.user, post=post, **form.cleaned_data)
            except ValidationError as error:
                for name, messages_ in error.message_dict.items():
                    form.add_error(None if name == "__all__" else name, messages_)
            except RateLimitExceeded as error:
                form.add_error(None, error.message)
                status = 429
            else:
                messages.success(
                    request, _("Thank you. A coordinator will look at this post soon.")
                )
                return redirect(f"{kind}_detail", pk=post.pk)
        if status == 200:
            status = 400 if form.errors else 200
    return render(
        request,
        "moderation/report_form.html",
        {"form": form, "post": post, "kind": kind},
        status=status,
    )


def _queue(request: HttpRequest, *, answering: tuple[int, ConcernAnswerForm] | None = None):
    scope = coordinator_scope(user=request.user)
    concerns = selectors.open_concerns(scope=scope)
    for concern in concerns:
        # A rejected answer comes back with what was typed and why it was refused.
        bound = answering is not None and answering[0] == concern.pk
        concern.form = answering[1] if bound else ConcernAnswerForm(prefix=f"c{concern.pk}")
    return render(
        request,
        "moderation/queue.html",
        {
            "reported": selectors.reported_posts(scope=scope),
            "unreviewed": [
                ("offer", _("Offers"), list(selectors.unreviewed_posts(Offer, scope=scope))),
                ("need", _("Needs"), list(selectors.unreviewed_posts(Need, scope=scope))),
            ],
            "concerns": concerns,
            "reason_form": ReasonForm(),
        },
        status=400 if answering is not None else 200,
    )


@coordinator_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    return _queue(request)


@require_POST
@coordinator_required
def concern_answer(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_object_or_404(Concern.objects.select_related("match"), pk=pk)
    if not match_in_scope(user=request.user, match=concern.match):
        raise Http404
    form = ConcernAnswerForm(request.POST, prefix=f"c{concern.pk}")
    if form.is_valid():
        try:
            services.concern_answer(
                concern=concern, actor=request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your answer was sent to the person who raised it."))
            return redirect(reverse("moderation_queue") + "#concerns")
    return _queue(request, answering=(concern.pk, form))


@login_required
def concern_raise(request: HttpRequest, pk: int) -> HttpResponse:
    """A side of an approved match tells the coordinators, and only them, what worries it."""
    match = get_object_or_404(Match.objects.select_related("offer", "need"), pk=pk)
    # Who may not raise one learns nothing about the match: the same 404 as its page.
    if not user_post_sides(user=request.user, match=match) or match.decided_at is None:
        raise Http404
    form = ConcernForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_raise(match=match, user=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your concern was sent to the coordinators. The other side has not been told."),
            )
            return redirect("match_detail", pk=match.pk)
    return render(
        request,
        "moderation/concern_form.html",
        {"form": form, "match": match},
        status=400 if form.errors else 200,
    )


# Queue buttons: action in the URL -> what it does and what it tells the coordinator.
ACTIONS = ("hide", "unhide", "dismiss", "reviewed", "block")


@require_POST
@coordinator_required
def moderation_action(request: HttpRequest, kind: str, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    post = get_object_or_404(_model(kind).objects.select_related("owner", "category"), pk=pk)
    # Out of scope is "not found": a coordinator elsewhere learns nothing about the post.
    if not coordinator_scope(user=request.user).covers(post):
        raise Http404
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    actor = request.user
    try:
        if action == "hide":
            services.post_hide(post, actor=actor, reason=reason)
            done = _("The post is hidden.")
        elif action == "unhide":
            services.post_unhide(post, actor=actor, reason=reason)
            done = _("The post is visible again.")
        elif action == "dismiss":
            services.report_resolve(actor=actor, post=post, status=ReportStatus.DISMISSED)
            done = _("The reports are dismissed.")
        elif action == "reviewed":
            services.post_mark_reviewed(post, actor=actor)
            done = _("The post is marked as reviewed.")
        else:
            services.user_block(actor=actor, user=post.owner, reason=reason)
            done = _("%(user)s is blocked and their posts are hidden.") % {"user": post.owner}
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("moderation_queue")


@coordinator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    data = selectors.dashboard(scope=coordinator_scope(user=request.user))
    unknown = _("Unknown region")
    # The charts read this; the tables on the page show the same figures without JavaScript.
    chart_data = {
        "labels": {"offers": _("Open offers"), "needs": _("Open needs")},
        "category": {
            "labels": [row.label for row in data.by_category],
            "offers": [row.offers for row in data.by_category],
            "needs": [row.needs for row in data.by_category],
        },
        "region": {
            "labels": [row.label or unknown for row in data.by_region],
            "offers": [row.offers for row in data.by_region],
            "needs": [row.needs for row in data.by_region],
        },
    }
    return render(
        request,
        "moderation/dashboard.html",
        {
            "data": data,
            "chart_data": chart_data,
            "unknown_region": unknown,
            "median_days": (
                round(data.median_need_to_match.total_seconds() / 86400, 1)
                if data.median_need_to_match is not None
                else None
            ),
        },
    )


POSTS_PAGE_SIZE = 25


@coordinator_required
def moderation_posts(request: HttpRequest) -> HttpResponse:
    """Every post in the coordinator's scope, paged and filtered, with bulk hide and show."""
    form = PostModerationFilterForm(request.GET or None)
    kind, filters = "offer", None
    if form.is_valid():
        kind, filters = form.kind_value(), form.filters()
    posts = selectors.posts_to_moderate(
        _model(kind), scope=coordinator_scope(user=request.user), filters=filters
    )
    page = Paginator(posts, POSTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/posts.html",
        {"form": form, "kind": kind, "page": page, "bulk_form": BulkModerationForm()},
        status=400 if form.errors else 200,
    )


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the list page the coordinator came from (with its filters), never off-site."""
    target = request.POST.get("next", "")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("moderation_posts")
    return HttpResponseRedirect(target)


@require_POST
@coordinator_required
def moderation_posts_bulk(request: HttpRequest) -> HttpResponse:
    form = BulkModerationForm(request.POST)
    try:
        ids = [int(value) for value in request.POST.getlist("post")]
    except ValueError:
        ids = []
    if not form.is_valid():
        messages.error(request, _("Choose to hide or to show."))
        return _back(request)
    try:
        changed = services.posts_bulk_moderate(
            actor=request.user,
            model=_model(request.POST.get("kind", "")),
            ids=ids,
            **form.cleaned_data,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(count)d posts changed.") % {"count": changed})
    return _back(request)


@coordinator_required
def moderation_post(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """One post's moderation: its state, its open reports and the history of who hid or
    showed it and why."""
    post = get_object_or_404(
        _model(kind).objects.select_related("owner", "category", "hidden_by"), pk=pk
    )
    if not coordinator_scope(user=request.user).covers(post):
        raise Http404
    return render(
        request,
        "moderation/post.html",
        {
            "kind": kind,
            "post": post,
            "history": selectors.post_moderation_history(post),
            "reports": post.reports.select_related("reporter").order_by("-created_at"),
            "reason_form": ReasonForm(),
        },
    )
