from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organisation
from accounts.scopes import coordinator_scope, user_can_coordinate
from catalogue import services
from catalogue.exports import projects_write_csv
from catalogue.forms import (
    OrganisationFilterForm,
    OrganisationProfileForm,
    ProjectFilterForm,
    ProjectReviewForm,
    ProjectSubmitForm,
)
from catalogue.selectors import (
    organisation_directory,
    organisation_needs,
    organisation_offers,
    organisation_projects,
    organisation_public_get,
    organisation_regions,
    project_get,
    project_list,
    project_regions,
    projects_submitted_by,
    projects_to_review,
    public_contacts,
    user_can_edit_organisation,
    user_submitting_organisations,
)

PAGE_SIZE = 20


def _filtered(request: HttpRequest) -> tuple[ProjectFilterForm, object]:
    form = ProjectFilterForm(request.GET)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            for error in errors:
                messages.error(request, f"{label}: {error}")
    return form, project_list(**form.selector_kwargs())


def project_list_view(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format") == "csv":
        return project_export_view(request)
    form, projects = _filtered(request)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalogue/project_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "regions": project_regions()},
    )


def project_export_view(request: HttpRequest) -> HttpResponse:
    _form, projects = _filtered(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"projects-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    projects_write_csv(projects, response)
    return response


def project_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(pk=pk)
    if project is None:
        raise Http404(_("No such project."))
    return render(request, "catalogue/project_detail.html", {"project": project})


def organisation_list_view(request: HttpRequest) -> HttpResponse:
    """The directory of member (verified) organisations."""
    form = OrganisationFilterForm(request.GET)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
    organisations = organisation_directory(**form.selector_kwargs())
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalogue/organisation_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "regions": organisation_regions(),
        },
    )


def organisation_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_public_get(pk=pk)
    if organisation is None:
        raise Http404(_("No such organisation."))
    user = request.user if request.user.is_authenticated else None
    return render(
        request,
        "catalogue/organisation_detail.html",
        {
            "organisation": organisation,
            "contacts": public_contacts(organisation),
            "can_edit": user_can_edit_organisation(user=user, organisation=organisation),
            "project_links": organisation_projects(organisation=organisation),
            "offers": organisation_offers(organisation=organisation, user=user),
            "needs": organisation_needs(organisation=organisation, user=user),
        },
    )


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_profile_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation's admins choose what the directory shows, contacts included."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not user_can_edit_organisation(user=request.user, organisation=organisation):
        raise PermissionDenied
    form = OrganisationProfileForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_profile_update(
                user=request.user,
                organisation=organisation,
                **{name: form.cleaned_data[name] for name in services.PROFILE_FIELDS},
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The organisation's profile was saved."))
            return redirect("catalogue:organisation_detail", pk=organisation.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "catalogue/organisation_profile.html",
        {"form": form, "organisation": organisation},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_submit_view(request: HttpRequest) -> HttpResponse:
    """Approved staff of an organisation submit a project; it waits for a coordinator."""
    organisations = user_submitting_organisations(user=request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = ProjectSubmitForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_submit(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you. A coordinator will review the project before it is published."),
            )
            return redirect("catalogue:project_submit")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "catalogue/project_submit.html",
        {"form": form, "submitted": projects_submitted_by(user=request.user)},
        status=status,
    )


def _coordinators_only(request: HttpRequest) -> None:
    if not user_can_coordinate(user=request.user):
        raise PermissionDenied


@login_required
def project_review_queue_view(request: HttpRequest) -> HttpResponse:
    _coordinators_only(request)
    projects = projects_to_review(scope=coordinator_scope(user=request.user))
    return render(
        request,
        "catalogue/project_review.html",
        {"projects": projects, "form": ProjectReviewForm()},
    )


@login_required
@require_POST
def project_review_view(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    _coordinators_only(request)
    if decision not in ("approve", "reject"):
        raise Http404
    form = ProjectReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("catalogue:project_review_queue")
    try:
        project = services.project_review(
            user=request.user,
            project_id=pk,
            approve=decision == "approve",
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("catalogue:project_review_queue")
    if decision == "approve":
        messages.success(request, _("“%(title)s” is now public.") % {"title": project.title})
    else:
        messages.success(request, _("“%(title)s” was rejected.") % {"title": project.title})
    return redirect("catalogue:project_review_queue")
