from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from catalogue.exports import projects_write_csv
from catalogue.forms import ProjectFilterForm
from catalogue.selectors import (
    organisation_needs,
    organisation_offers,
    organisation_projects,
    project_get,
    project_list,
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
        {"form": form, "page": page, "query": query.urlencode()},
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


def organisation_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    user = request.user if request.user.is_authenticated else None
    return render(
        request,
        "catalogue/organisation_detail.html",
        {
            "organisation": organisation,
            "project_links": organisation_projects(organisation=organisation),
            "offers": organisation_offers(organisation=organisation, user=user),
            "needs": organisation_needs(organisation=organisation, user=user),
        },
    )
