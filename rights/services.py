"""Writes of the rights app: consent and the contact access log, the data download, and erasing
an account.

``consent_record`` and ``contact_access_record`` are the only functions lower apps call (the
match page and the admin); they write one row and import nothing of those apps.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import secrets
import zipfile

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from accounts.models import CoordinatorScope, Membership, User
from accounts.services import api_tokens_revoke
from matching.models import Match, MatchStatus, MatchTransition
from moderation.models import Report
from needs.services import need_set_status
from notifications.models import Notification, Preference
from notifications.services import notify
from offers.services import offer_set_status
from posts.models import STATUS_TRANSITIONS, PostStatus
from posts.services import posts_anonymise
from rights.models import AccountErasure, Consent, ContactAccess, DataExport
from rights.selectors import (
    CONTACT_STATUSES,
    contact_accesses_of,
    contact_values,
    person_label,
    user_consents,
    user_data_rows,
    user_matches,
    user_may_be_erased_by,
    user_notifications,
    user_posts,
    user_reports,
)

logger = logging.getLogger("pomoc.rights")

# --- consent and the contact access log ---------------------------------------------------------


def consent_record(*, user: User, match: Match) -> Consent:
    """Accepting a match: the person agrees that the other side sees these contact fields, with
    the values they have now (a later change of phone is not what they consented to share)."""
    values = contact_values(user)
    return Consent.objects.create(
        user=user,
        purpose=Consent.Purpose.MATCH_CONTACT,
        match=match,
        fields=list(values),
        values=values,
    )


def contact_access_record(
    *, viewer: User | None, subject: User, where: str, match: Match | None = None
) -> ContactAccess:
    """Someone was shown ``subject``'s contact details; the fields are those the subject has
    now, since they are what the page showed."""
    return ContactAccess.objects.create(
        viewer=viewer,
        subject=subject,
        where=where,
        match=match,
        fields=list(contact_values(subject)),
    )


# --- the data download --------------------------------------------------------------------------

EXPORT_SALT = "rights.data_export"


def data_export_token(export: DataExport) -> str:
    """The signed part of a download link: it names the download and its owner, and
    ``data_export_for_token`` refuses it after POMOC_DATA_EXPORT_LINK_HOURS."""
    return signing.dumps({"export": export.pk, "user": export.user_id}, salt=EXPORT_SALT)


def data_export_for_token(*, token: str, user: User) -> DataExport | None:
    """The download a link points to, if the link is genuine, not expired and the person
    following it is the download's owner; None otherwise."""
    max_age = dt.timedelta(hours=settings.POMOC_DATA_EXPORT_LINK_HOURS)
    try:
        payload = signing.loads(token, salt=EXPORT_SALT, max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not user.is_authenticated or payload.get("user") != user.pk:
        return None
    export = DataExport.objects.filter(
        pk=payload.get("export"), user=user, status=DataExport.Status.READY
    ).first()
    if export is None or export.is_expired or not export.file:
        return None
    return export


@transaction.atomic
def data_export_request(*, user: User) -> DataExport:
    """Ask for a download of everything Pomoc holds about the person. Small ones are built at
    once; larger ones (more than POMOC_DATA_EXPORT_INLINE_MAX_ROWS rows) by the worker after
    commit. Earlier downloads of the person are deleted: one is enough."""
    data_exports_delete(user=user)
    export = DataExport.objects.create(
        user=user,
        expires_at=timezone.now() + dt.timedelta(hours=settings.POMOC_DATA_EXPORT_LINK_HOURS),
    )
    if user_data_rows(user=user) > settings.POMOC_DATA_EXPORT_INLINE_MAX_ROWS:
        transaction.on_commit(
            lambda: async_task(
                "rights.tasks.data_export_build", export.pk, task_name=f"data-export-{export.pk}"
            )
        )
    else:
        data_export_build(export_id=export.pk)
        export.refresh_from_db()
    return export


def data_exports_delete(*, user: User | None = None, expired_only: bool = False) -> int:
    """Delete downloads and their files: a person's, or everyone's that expired."""
    exports = DataExport.objects.all()
    if user is not None:
        exports = exports.filter(user=user)
    if expired_only:
        exports = exports.filter(expires_at__lte=timezone.now())
    count = 0
    for export in exports:
        if export.file:
            export.file.delete(save=False)
        export.delete()
        count += 1
    return count


def data_export_build(*, export_id: int) -> str:
    """Build one download (safe to run twice: a ready one is left alone). Returns the status;
    a build that breaks leaves the download "failed" (the person is told) and is logged."""
    try:
        return _data_export_build(export_id)
    except Exception as error:
        logger.exception("data export %s failed", export_id)
        DataExport.objects.filter(pk=export_id, status=DataExport.Status.PENDING).update(
            status=DataExport.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        return DataExport.Status.FAILED


def _data_export_build(export_id: int) -> str:
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update().select_related("user").filter(pk=export_id)
        ).first()
        if export is None or export.status != DataExport.Status.PENDING:
            return export.status if export else "gone"
        user = export.user
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            data = user_data(user=user, log_contacts=True)
            index = render_to_string("rights/export_index.html", {"data": data, "user": user})
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            )
            archive.writestr("index.html", index)
        # A random name: the file is never served by path, but a guessable one would help
        # anyone who once got hold of the storage's listing.
        name = f"exports/{user.pk}/pomoc-data-{secrets.token_urlsafe(12)}.zip"
        export.file.save(name, ContentFile(buffer.getvalue()), save=False)
        export.rows = sum(len(value) for value in data.values() if isinstance(value, list))
        export.status = DataExport.Status.READY
        export.finished_at = timezone.now()
        export.save()
        return export.status


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _post_data(kind: str, post) -> dict:
    data = {
        "kind": kind,
        "id": post.pk,
        "category": post.category.slug,
        "organisation": post.organisation.name if post.organisation_id else None,
        "title": post.title,
        "description": post.description,
        "place_name": post.place_name,
        "region": post.region,
        # The exact point: the person's own data (others see only the public grid point).
        "latitude": post.location.y,
        "longitude": post.location.x,
        "radius_km": post.radius_km,
        "remote": post.remote,
        "languages": post.languages,
        "valid_from": _iso(post.valid_from),
        "valid_until": _iso(post.valid_until),
        "fresh_until": _iso(post.fresh_until),
        "status": post.status,
        "details": post.details,
        "created_at": _iso(post.created_at),
        "updated_at": _iso(post.updated_at),
        "hidden_at": _iso(post.hidden_at),
    }
    for name in sorted(post.extra_editable_fields()):
        data[name] = getattr(post, name)
    return data


def user_data(*, user: User, log_contacts: bool = False) -> dict:
    """Everything Pomoc holds about the person, as plain JSON-ready data. With
    ``log_contacts`` every other person's contact it includes (connected matches only) is
    written to that person's access log, as a view by this person."""
    preference = Preference.objects.filter(user=user).first()
    account = {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": str(user.phone) if user.phone else "",
        "preferred_language": user.preferred_language,
        "roles": user.roles,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "notification_channels": preference.channels if preference else [],
        "notification_mode": preference.mode if preference else None,
    }
    memberships = [
        {
            "organisation": membership.organisation.name,
            "status": membership.status,
            "is_admin": membership.is_admin,
            "created_at": _iso(membership.created_at),
        }
        for membership in Membership.objects.filter(user=user).select_related("organisation")
    ]
    posts = [
        _post_data(kind, post)
        for kind, queryset in user_posts(user=user).items()
        for post in queryset.order_by("created_at", "pk")
    ]
    matches = []
    for match in user_matches(user=user):
        side = "offer" if match.offer.owner_id == user.pk else "need"
        other_side = "need" if side == "offer" else "offer"
        other = getattr(match, other_side).owner
        entry = {
            "id": match.pk,
            "status": match.status,
            "my_side": side,
            "my_post_id": getattr(match, side).pk,
            "other_post_title": getattr(match, other_side).title,
            "my_answer": getattr(match, f"{side}_response"),
            "proposed_at": _iso(match.proposed_at),
            "connected_at": _iso(match.connected_at),
            "closed_at": _iso(match.closed_at),
            "outcome": match.outcome,
            # The person's own answers to "How did it go?" (matching/follow_up.py).
            "my_follow_up_answers": [
                {
                    "round": follow_up.round,
                    "answer": follow_up.answer,
                    "sent_at": _iso(follow_up.sent_at),
                    "answered_at": _iso(follow_up.answered_at),
                }
                for follow_up in match.follow_ups.all()
                if follow_up.side == side
            ],
            # Only where both sides accepted, as on the match page.
            "other_side_contact": None,
        }
        if match.status in CONTACT_STATUSES and other.pk != user.pk:
            entry["other_side_contact"] = contact_values(other)
            if log_contacts:
                contact_access_record(
                    viewer=user,
                    subject=other,
                    where=ContactAccess.Where.DATA_EXPORT,
                    match=match,
                )
        matches.append(entry)
    notifications = [
        {
            "kind": notification.kind,
            "subject": notification.subject,
            "text": notification.body_text,
            "created_at": _iso(notification.created_at),
            "read_at": _iso(notification.read_at),
        }
        for notification in user_notifications(user=user)
    ]
    reports = [
        {
            "post": f"{'offer' if report.offer_id else 'need'} {report.offer_id or report.need_id}",
            "reason": report.reason,
            "comment": report.comment,
            "status": report.status,
            "created_at": _iso(report.created_at),
        }
        for report in user_reports(user=user)
    ]
    consents = [
        {
            "purpose": consent.purpose,
            "match": consent.match_id,
            "fields": consent.fields,
            "values": consent.values,
            "given_at": _iso(consent.given_at),
        }
        for consent in user_consents(user=user)
    ]
    accesses = [
        {
            "viewer": person_label(access.viewer),
            "where": access.get_where_display(),
            "fields": access.fields,
            "match": access.match_id,
            "accessed_at": _iso(access.accessed_at),
        }
        for access in contact_accesses_of(user=user).order_by("accessed_at", "pk")
    ]
    return {
        "generated_at": _iso(timezone.now()),
        "account": account,
        "memberships": memberships,
        "posts": posts,
        "matches": matches,
        "notifications": notifications,
        "reports": reports,
        "consents": consents,
        "contact_accesses": accesses,
    }


# --- erasing an account -------------------------------------------------------------------------

OPEN_MATCH_STATUSES = (MatchStatus.PROPOSED, MatchStatus.APPROVED)


def erased_email(user: User) -> str:
    """Unique, never deliverable (.invalid is reserved), and no longer the person's address,
    so the address itself can sign up again."""
    return f"deleted-{user.pk}@invalid"


def _withdraw_open_matches(user: User, *, actor: User) -> int:
    """Withdraw the open matches of the person's posts. A side that was already asked to
    answer (approved) is told neutrally that the other side is no longer available; a mere
    proposal was never shown to anyone but coordinators."""
    withdrawn = 0
    matches = (
        Match.objects.select_for_update(of=("self",))
        .select_related("offer__owner", "need__owner")
        .filter(status__in=OPEN_MATCH_STATUSES)
        .filter(pk__in=user_matches(user=user).values("pk"))
        .order_by("pk")
    )
    for match in matches:
        was = match.status
        MatchTransition.objects.create(
            match=match,
            actor=actor,
            from_status=was,
            to_status=MatchStatus.WITHDRAWN,
            reason="The other side is no longer available.",
        )
        match.status = MatchStatus.WITHDRAWN
        match.status_changed_at = timezone.now()
        match.save(update_fields=["status", "status_changed_at"])
        withdrawn += 1
        if was != MatchStatus.APPROVED:
            continue
        for side in ("offer", "need"):
            recipient = getattr(match, side).owner
            if recipient.pk == user.pk:
                continue
            with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
                path = reverse("my_matches")
            notify(
                recipient=recipient,
                kind="match_other_side_left",
                dedupe_key=f"match:{match.pk}:other-side-left:{side}",
                context={"own_post": getattr(match, side)},
                action_path=path,
            )
    return withdrawn


def _withdraw_and_clear_posts(user: User) -> int:
    """Withdraw the person's posts through the posts' own services (so the matcher hears of
    it), then clear their free text and reduce each exact point to its public grid point."""
    withdrawn = 0
    setters = {"offer": offer_set_status, "need": need_set_status}
    for kind, queryset in user_posts(user=user).items():
        for post in queryset.select_for_update(of=("self",)).exclude(status=PostStatus.WITHDRAWN):
            if PostStatus.WITHDRAWN in STATUS_TRANSITIONS[post.status]:
                setters[kind](post, actor=None, status=PostStatus.WITHDRAWN)
                withdrawn += 1
        # The same anonymisation as the retention rule (a neutral title in the owner's
        # language, text and details cleared, the exact point reduced to the public one).
        posts_anonymise(queryset.model.objects.filter(owner=user))
    return withdrawn


def _end_sessions(user: User) -> None:
    """Log the person out everywhere: their web sessions are deleted (the unusable password
    would also invalidate them, but a session row still holds data), their API tokens too."""
    api_tokens_revoke(user=user)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


@transaction.atomic
def account_erase(*, user: User, actor: User | None, reason: str = "") -> AccountErasure:
    """Erase a person's account, by their own wish or by a coordinator on their request.

    1. check the actor's right (self; or a coordinator in scope, with a reason);
    2. withdraw open matches (the other side told neutrally) and the person's posts, clear the
       posts' free text and exact points;
    3. erase the personal fields: name, phone, email (a unique placeholder, so the address is
       free), password unusable, inactive; email addresses, tokens, sessions, notifications,
       memberships, login-failure records and the values of past consents go;
    4. keep the user row, anonymised, so match history, reports and blocks stay whole, and
       write the audit record.
    """
    reason = (reason or "").strip()
    user = User.objects.select_for_update().get(pk=user.pk)
    # ``actor=None`` is the retention rule for unused accounts (privacy.services), never a page.
    if actor is not None and not user_may_be_erased_by(actor=actor, user=user):
        raise PermissionDenied(_("You cannot delete this account."))
    if (actor is None or actor.pk != user.pk) and not reason:
        raise ValidationError({"reason": _("Say on whose request and why the account is deleted.")})
    if AccountErasure.objects.filter(user=user).exists():
        raise ValidationError(_("This account was already deleted."))

    matches_withdrawn = _withdraw_open_matches(user, actor=actor)
    posts_withdrawn = _withdraw_and_clear_posts(user)

    old_email = user.email
    _end_sessions(user)
    user.email = erased_email(user)
    user.display_name = user.first_name = user.last_name = ""
    user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()

    from allauth.account.models import EmailAddress
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    EmailAddress.objects.filter(user=user).delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=old_email).delete()
    # Notifications addressed to the person may quote other people's contacts; nobody can read
    # them any more.
    Notification.objects.filter(recipient=user).delete()
    Preference.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    CoordinatorScope.objects.filter(user=user).delete()
    Consent.objects.filter(user=user).update(values={})
    Report.objects.filter(reporter=user).update(comment="")
    data_exports_delete(user=user)
    return AccountErasure.objects.create(
        user=user,
        erased_by=actor,
        reason=reason[:2000],
        posts_withdrawn=posts_withdrawn,
        matches_withdrawn=matches_withdrawn,
    )
