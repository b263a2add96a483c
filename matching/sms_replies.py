"""Answers to a match by SMS: "YES K7Q2" accepts, "NO K7Q2" declines.

The question (``match_approved``, ``match_reminder``) carries a short code made for that match,
that side and that phone. A reply is matched by the code *and* the phone it comes from, never by
the phone alone: one phone (a family's, an organisation's) may be asked about several matches.
An unknown code, or a code sent from another phone, changes nothing and gets a clear answer.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from matching.models import Match, SmsReplyCode

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 4
# Every language's yes and no are understood, whatever the language of the question.
YES_WORDS = frozenset({"ANO", "YES", "ТАК", "TAK", "ДА", "A", "Y"})  # ДА, НЕТ: Russian
NO_WORDS = frozenset({"NE", "NO", "НІ", "NI", "НЕТ", "N"})
REPLY_PATTERN = re.compile(r"^\s*(\S+)\s+([A-Za-z0-9]{4})\b")


def reply_code_for(*, match: Match, side: str, user: User) -> str:
    """The code the person answers this match with; the same code while it is unused.
    Empty when the person has no phone (nothing to match a reply against)."""
    phone = str(user.phone or "")
    if not phone:
        return ""
    existing = SmsReplyCode.objects.filter(
        match=match, side=side, user=user, phone=phone, used_at__isnull=True
    ).first()
    if existing is not None:
        return existing.code
    for _attempt in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                SmsReplyCode.objects.create(
                    code=code, phone=phone, match=match, side=side, user=user
                )
        except IntegrityError:
            continue  # this phone already has that code for another match: draw again
        return code
    raise RuntimeError("No free SMS reply code for this phone.")


def phone_normalise(raw: str) -> str:
    """A sender as gateways give it (``tel:+420…``, ``+420…``, ``420…``) in E.164; "" when
    it is not a phone number."""
    raw = (raw or "").strip()
    if raw.startswith("tel:"):
        raw = raw[4:]
    try:
        number = phonenumbers.parse(raw, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        try:
            number = phonenumbers.parse(f"+{raw}", None)
        except phonenumbers.NumberParseException:
            return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True)
class SmsReplyResult:
    ok: bool
    reply: str  # what to text back to the person
    match_id: int | None = None
    error: str = ""  # "format", "unknown_code", "not_waiting"


def sms_reply_handle(*, phone: str, text: str) -> SmsReplyResult:
    """Accept or decline the match whose code the message names, if it was sent to this phone."""
    from matching.lifecycle import match_respond  # the lifecycle imports this module

    sender = phone_normalise(phone)
    found = REPLY_PATTERN.match(text or "")
    word = found.group(1).upper().strip(".,!") if found else ""
    if not found or word not in YES_WORDS | NO_WORDS:
        return SmsReplyResult(
            ok=False,
            error="format",
            reply=_("Pomoc did not understand. Reply YES or NO and the code from our message."),
        )
    code = found.group(2).upper()
    with transaction.atomic():
        reply_code = (
            SmsReplyCode.objects.select_for_update()
            .select_related("match", "user")
            .filter(code=code, phone=sender, used_at__isnull=True)
            .first()
            if sender
            else None
        )
        if reply_code is None:
            return SmsReplyResult(
                ok=False,
                error="unknown_code",
                reply=_(
                    "Pomoc: the code %(code)s is unknown or was not sent to this phone. "
                    "Nothing was changed."
                )
                % {"code": code},
            )
        accept = word in YES_WORDS
        try:
            match_respond(reply_code.match, actor=reply_code.user, accept=accept)
        except (ValidationError, PermissionDenied):
            return SmsReplyResult(
                ok=False,
                error="not_waiting",
                match_id=reply_code.match_id,
                reply=_("Pomoc: this match no longer waits for an answer. Nothing was changed."),
            )
        reply_code.used_at = timezone.now()
        reply_code.save(update_fields=["used_at"])
    return SmsReplyResult(
        ok=True,
        match_id=reply_code.match_id,
        reply=_("Pomoc: thank you, you accepted.")
        if accept
        else _("Pomoc: thank you, you declined."),
    )
