"""Web pages shared by offers and needs. Each app's urls.py passes its ``PostKind``, so the two
twins have the same pages written once (thin views: parse, call a service or selector, render).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scopes import coordinator_scope
from accounts.selectors import registering_organisation
from places.geocoding import place_resolve
from posts import freshness
from posts.details import details_display
from posts.forms import SORT_DISTANCE, PostForm, PostSearchForm
from posts.models import STATUS_TRANSITIONS, Post, PostStatus
from posts.pagination import search_page
from posts.ratelimit import RateLimitExceeded, post_rate_exceeded
from posts.selectors import DEFAULT_SEARCH_RADIUS_KM, post_search, post_visible, public_point
from posts.services import post_can_edit
from posts.units import unit_for

PAGE_SIZE = 20

# The status buttons on a post: action in the URL -> the status it moves to.
STATUS_ACTIONS: dict[str, str] = {
    "pause": PostStatus.PAUSED,
    "reactivate": PostStatus.ACTIVE,
    "fulfilled": PostStatus.FULFILLED,
    "withdraw": PostStatus.WITHDRAWN,
}


@dataclass(frozen=True)
class PostKind:
    """What differs between the offer pages and the need pages."""

    model: type[Post]
    form_class: type[PostForm]
    create: Callable[..., Post]
    update: Callable[..., Post]
    set_status: Callable[..., Post]
    # URL names are "<name>_list", "<name>_detail", "<name>_create", "<name>_edit",
    # "<name>_status"; templates get the kind to build them.
    name: str
    # What the kind adds to its detail page (offers: the host's verification), given the
    # request and the post; keeps posts free of imports from the apps above it.
    detail_context: Callable[[HttpRequest, Post], dict] | None = None

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)


def _viewer(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def post_list(request: HttpRequest, *, kind: PostKind) -> HttpResponse:
    form = PostSearchForm(request.GET or None)
    posts = kind.model.objects.none()
    searched_place = None
    if not request.GET:
        posts = post_search(kind.model, user=_viewer(request))
    elif form.is_valid():
        data = form.cleaned_data
        point = None
        if data["place"]:
            try:
                searched_place = place_resolve(data["place"])
                point = searched_place.point
            except ValidationError as error:
                form.add_error("place", error.messages)
        if form.is_valid():
            posts = post_search(
                kind.model,
                user=_viewer(request),
                text=data["q"].strip(),
                category=data["category"],
                point=point,
                radius_km=data["radius_km"] or DEFAULT_SEARCH_RADIUS_KM,
                remote_only=data["remote"],
                language=data["language"],
                nearest_first=data["sort"] == SORT_DISTANCE,
            )
    page = _search_page(posts, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # Map markers for this page, rounded to about 1 km like every public position.
    markers = [
        {
            "title": post.title,
            "url": reverse(f"{kind.name}_detail", kwargs={"pk": post.pk}),
            "lat": point.y,
            "lon": point.x,
        }
        for post in page
        for point in [public_point(post, exact=False)]
    ]
    return render(
        request,
        "posts/post_list.html",
        {
            "kind": kind,
            "form": form,
            "page": page,
            "searched_place": searched_place,
            "query_string": query.urlencode(),
            "markers": markers,
            "map_tiles": settings.POMOC_MAP_TILES,
            "map_attribution": settings.POMOC_MAP_ATTRIBUTION,
        },
    )


def _search_page(posts, number_text: str | None):
    """The page asked for, as Django's ``Paginator.get_page`` would: a page number that is not
    one shows the first page, one past the end the last (the first while the count is capped)."""
    try:
        number = max(1, int(number_text or 1))
    except ValueError:
        number = 1
    page = search_page(posts, number=number, page_size=PAGE_SIZE)
    if not page.posts and number > 1:
        page = search_page(posts, number=page.num_pages or 1, page_size=PAGE_SIZE)
    return page


def _post_for_viewer(request: HttpRequest, kind: PostKind, pk: int) -> Post:
    """A post the viewer may see: a visible one, or any post they may edit. Anything else is
    a 404, so nobody learns that a hidden (sensitive, paused) post exists."""
    post = post_visible(kind.model, user=_viewer(request)).filter(pk=pk).first()
    if post is not None:
        return post
    post = (
        kind.model.objects.select_related("category", "category__parent", "organisation")
        .filter(pk=pk)
        .first()
    )
    if post is not None and post_can_edit(user=request.user, post=post):
        return post
    raise Http404


def post_detail(request: HttpRequest, pk: int, *, kind: PostKind) -> HttpResponse:
    post = _post_for_viewer(request, kind, pk)
    can_edit = post_can_edit(user=request.user, post=post)
    return render(
        request,
        "posts/post_detail.html",
        {
            "kind": kind,
            "post": post,
            "can_edit": can_edit,
            "can_moderate": coordinator_scope(user=request.user).covers(post),
            "details": details_display(post.root_category.slug, post.details),
            "capacity_label": unit_for(post.root_category.slug).label,
            "status_actions": _allowed_actions(post) if can_edit else [],
            "registered_by": registering_organisation(user_id=post.owner_id),
            **(kind.detail_context(request, post) if kind.detail_context else {}),
        },
    )


def _allowed_actions(post: Post) -> list[tuple[str, str]]:
    labels = {
        "pause": _("Pause"),
        "reactivate": _("Reactivate"),
        "fulfilled": _("Mark as fulfilled"),
        "withdraw": _("Withdraw"),
    }
    allowed = STATUS_TRANSITIONS[post.status]
    return [
        (action, labels[action]) for action, status in STATUS_ACTIONS.items() if status in allowed
    ]


def _form_context(kind: PostKind, form: PostForm, post: Post | None) -> dict:
    return {
        "kind": kind,
        "form": form,
        "post": post,
        "map_tiles": settings.POMOC_MAP_TILES,
        "map_attribution": settings.POMOC_MAP_ATTRIBUTION,
        # Texts the form's script shows, translated here so the script needs no catalogue.
        "place_texts": {
            "found": _("Found: %s. Click the map to refine the point if you wish."),
            "refined": _("The point is refined on the map."),
        },
    }


@login_required
def post_create(request: HttpRequest, *, kind: PostKind) -> HttpResponse:
    form = kind.form_class(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if post_rate_exceeded(user=request.user):
            form.add_error(
                None, _("You have posted a lot in a short time. Please try again in an hour.")
            )
            status = 429
        elif form.is_valid():
            try:
                post = kind.create(owner=request.user, **form.service_kwargs())
            except ValidationError as error:
                form.add_service_error(error)
            except RateLimitExceeded as error:
                # Another request (a tab, the API) used the last of the allowance meanwhile.
                form.add_error(None, error.message)
                status = 429
            else:
                messages.success(request, _("Saved. Thank you!"))
                return redirect(f"{kind.name}_detail", pk=post.pk)
        if status == 200:
            status = 400 if form.errors else 200
    return render(request, "posts/post_form.html", _form_context(kind, form, None), status=status)


def _post_to_edit(request: HttpRequest, kind: PostKind, pk: int) -> Post:
    """A post the user may edit; 403 for one they can see but not edit, and 404 for one they
    cannot see, so edit and status URLs tell nobody that a hidden post exists."""
    post = (
        kind.model.objects.select_related("category", "category__parent", "organisation")
        .filter(pk=pk)
        .first()
    )
    if post is not None and post_can_edit(user=request.user, post=post):
        return post
    if post is not None and post_visible(kind.model, user=request.user).filter(pk=pk).exists():
        raise PermissionDenied
    raise Http404


@login_required
def post_edit(request: HttpRequest, pk: int, *, kind: PostKind) -> HttpResponse:
    post = _post_to_edit(request, kind, pk)
    form = kind.form_class(request.POST or None, instance=post, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            kind.update(post, actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(f"{kind.name}_detail", pk=post.pk)
    return render(
        request,
        "posts/post_form.html",
        _form_context(kind, form, post),
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def post_status(request: HttpRequest, pk: int, action: str, *, kind: PostKind) -> HttpResponse:
    if action not in STATUS_ACTIONS:
        raise Http404
    post = _post_to_edit(request, kind, pk)
    try:
        kind.set_status(post, actor=request.user, status=STATUS_ACTIONS[action])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Status changed to %s.") % post.get_status_display())
    return redirect(f"{kind.name}_detail", pk=post.pk)


@require_POST
@login_required
def post_renew(request: HttpRequest, pk: int, *, kind: PostKind) -> HttpResponse:
    """Keep a post for another period, or bring an expired one back (from "my posts")."""
    post = _post_to_edit(request, kind, pk)
    try:
        post = freshness.post_renew(post, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("“%(title)s” stays up until %(date)s.")
            % {"title": post.title, "date": formats.date_format(post.ends_on)},
        )
    return redirect("my_posts")


# The signed token is the authority (it reaches only the post's owner, by their own channel);
# GET only shows what the click would do, so a mail scanner that follows links changes nothing.
@require_http_methods(["GET", "POST"])
def post_freshness(request: HttpRequest, token: str) -> HttpResponse:
    template = "posts/post_freshness.html"
    try:
        if request.method == "POST":
            link = freshness.freshness_answer(token)
            return render(request, template, {"link": link, "done": True})
        link = freshness.freshness_link_read(token)
    except freshness.FreshnessLinkError as error:
        return render(request, template, {"error": error.message}, status=400)
    except ValidationError as error:
        return render(request, template, {"error": " ".join(error.messages)}, status=400)
    return render(request, template, {"link": link, "done": False})
