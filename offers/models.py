from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from posts.models import Post


class Offer(Post):
    """A volunteer or an organisation offers help."""

    capacity = models.PositiveIntegerField(
        _("capacity"),
        validators=[MinValueValidator(1)],
        default=1,
        help_text=_("How many people or needs this offer can serve."),
    )

    class Meta(Post.Meta):
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            *Post.shared_constraints("offer"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="offer_capacity_at_least_1",
                violation_error_message=_("The capacity must be at least 1."),
            ),
        ]
        indexes = Post.shared_indexes("offer")

    @classmethod
    def extra_editable_fields(cls) -> frozenset[str]:
        return frozenset({"capacity"})
