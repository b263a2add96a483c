"""Exports of offers, needs and matches as CSV or XLSX, for coordinators (their scope) and for
an organisation's approved staff (its own rows). Every export is logged; every contact it
carries is in the person's contact-access log, as when a match page shows it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.scopes import coordinator_scope
from accounts.selectors import user_organisations
from exports import selectors, writers
from exports.models import Dataset, ExportFormat, ExportLog
from exports.selectors import ExportFilters, Reach
from needs.models import Need
from offers.models import Offer
from rights.models import ContactAccess
from rights.selectors import contact_values

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str
    log: ExportLog


def export_reach(*, user: User, organisation: Organisation | None) -> Reach:
    """An organisation's approved staff export its own rows (so do coordinators who look after
    it); coordinators without an organisation export their scope; anyone else nothing."""
    if organisation is not None:
        staff = user_organisations(user=user).filter(pk=organisation.pk).exists()
        if not staff and not coordinator_scope(user=user).covers_organisation(organisation.pk):
            raise PermissionDenied(_("You are not staff of this organisation."))
        return Reach(organisation_id=organisation.pk)
    scope = coordinator_scope(user=user)
    if scope.is_empty:
        raise PermissionDenied(_("Only coordinators and organisation staff can export."))
    return Reach(scope=scope)


@transaction.atomic
def export_build(
    *,
    user: User,
    dataset: str,
    fmt: str,
    filters: ExportFilters,
    organisation: Organisation | None = None,
) -> ExportFile:
    if dataset not in Dataset.values:
        raise ValidationError({"dataset": _("Unknown dataset.")})
    if fmt not in ExportFormat.values:
        raise ValidationError({"format": _("Use csv or xlsx.")})
    reach = export_reach(user=user, organisation=organisation)
    if dataset == Dataset.MATCHES:
        queryset = selectors.export_matches(reach=reach, filters=filters)
        header = selectors.MATCH_COLUMNS
    else:
        model = Offer if dataset == Dataset.OFFERS else Need
        queryset = selectors.export_posts(model, reach=reach, filters=filters)
        header = selectors.OFFER_COLUMNS if model is Offer else selectors.NEED_COLUMNS
    count = queryset.count()
    if count > settings.POMOC_EXPORT_MAX_ROWS:
        raise ValidationError(
            {
                "__all__": _(
                    "%(count)d rows are more than %(max)d; narrow the filter (dates, region)."
                )
                % {"count": count, "max": settings.POMOC_EXPORT_MAX_ROWS}
            }
        )
    now = timezone.now()
    accesses: list[ContactAccess] = []
    if dataset == Dataset.MATCHES:
        matches = list(queryset)
        rows = [selectors.match_row(match) for match in matches]
        for match in matches:
            if selectors.match_contacts_shown(match):
                for person in (match.offer.owner, match.need.owner):
                    accesses.append(
                        ContactAccess(
                            viewer=user,
                            subject=person,
                            where=ContactAccess.Where.EXPORT,
                            match=match,
                            fields=list(contact_values(person)),
                            accessed_at=now,
                        )
                    )
    elif dataset == Dataset.OFFERS:
        rows = list(selectors.offer_rows(queryset))
    else:
        rows = list(selectors.need_rows(queryset))
    ContactAccess.objects.bulk_create(accesses)
    log = ExportLog.objects.create(
        user=user,
        created_at=now,
        dataset=dataset,
        format=fmt,
        organisation=organisation,
        filters=filters.as_log(),
        row_count=len(rows),
        rows_with_contacts=len(accesses) // 2,
    )
    if fmt == ExportFormat.CSV:
        content = writers.write_csv(header, rows)
    else:
        content = writers.write_xlsx(header, rows, title=dataset)
    return ExportFile(
        content=content,
        filename=f"pomoc-{dataset}-{now:%Y%m%d-%H%M}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
        log=log,
    )
