"""The export buttons of the match queue, the post moderation list and "My organisations".
Thin: check the filter, call ``export_build``, send the file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from exports.forms import ExportFilterForm
from exports.models import Dataset, ExportFormat
from exports.services import ExportFile, export_build


def file_response(export: ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    # Personal data may be in it: no cache keeps a copy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_download(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    if dataset not in Dataset.values or fmt not in ExportFormat.values:
        raise Http404
    form = ExportFilterForm(request.GET, dataset=dataset)
    if form.is_valid():
        try:
            export = export_build(
                user=request.user,
                dataset=dataset,
                fmt=fmt,
                filters=form.filters(),
                organisation=form.cleaned_data["organisation"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return file_response(export)
    return render(request, "exports/error.html", {"form": form}, status=400)
