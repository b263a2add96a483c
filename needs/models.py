from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from posts.models import Post


class Urgency(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class Need(Post):
    """A person or an organisation needs help."""

    people_count = models.PositiveIntegerField(
        _("number of people"),
        validators=[MinValueValidator(1)],
        default=1,
        help_text=_("How many people need this help."),
    )
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )

    class Meta(Post.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            *Post.shared_constraints("need"),
            models.CheckConstraint(
                condition=Q(people_count__gte=1),
                name="need_people_count_at_least_1",
                violation_error_message=_("The number of people must be at least 1."),
            ),
            models.CheckConstraint(
                condition=Q(urgency__gte=Urgency.LOW) & Q(urgency__lte=Urgency.CRITICAL),
                name="need_urgency_valid",
            ),
        ]
        indexes = Post.shared_indexes("need")

    @classmethod
    def extra_editable_fields(cls) -> frozenset[str]:
        return frozenset({"people_count", "urgency"})
