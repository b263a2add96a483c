"""Wiring only: when a password changes, the user's API tokens go (issue 10, attack 8).

A ``pre_save`` check of the stored hash rather than allauth's ``password_changed`` /
``password_reset`` signals, because it also catches the admin's password form,
``manage.py changepassword`` and any future path that calls ``set_password()`` and saves; the
decision itself is the service's. Web sessions are already ended by Django's session hash.
(Django re-hashing a password on log-in after a hasher upgrade also counts as a change: apps
then ask for a new token once.)
"""

from __future__ import annotations

from django.db.models.signals import pre_save
from django.dispatch import receiver

from accounts.models import User
from accounts.services import api_tokens_revoke


@receiver(pre_save, sender=User, dispatch_uid="accounts.revoke_tokens_on_password_change")
def revoke_tokens_on_password_change(
    sender, instance: User, raw: bool = False, update_fields=None, **kwargs
) -> None:
    if raw or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    stored = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        api_tokens_revoke(user=instance)
