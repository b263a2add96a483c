"""Who is looking at a list of posts, worked out once per request.

``posts.services.post_can_edit`` asks the database about organisations for every post; a list
of a hundred posts would ask a hundred times. ``Viewer`` answers the same question from one
query, for deciding per post whether exact coordinates may be shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import User
from accounts.scopes import NOTHING, Scope, coordinator_scope
from accounts.selectors import user_organisations
from posts.models import Post


@dataclass(frozen=True)
class Viewer:
    user_id: int | None = None
    scope: Scope = NOTHING
    organisation_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def for_user(cls, user: User | None) -> Viewer:
        if user is None or not user.is_authenticated:
            return cls()
        organisation_ids = frozenset(user_organisations(user=user).values_list("pk", flat=True))
        return cls(
            user_id=user.pk, scope=coordinator_scope(user=user), organisation_ids=organisation_ids
        )

    def can_edit(self, post: Post) -> bool:
        """Mirrors ``post_can_edit``: the owner, the post's organisation and the coordinators
        whose scope covers the post."""
        if self.user_id is None:
            return False
        return (
            post.owner_id == self.user_id
            or (post.organisation_id is not None and post.organisation_id in self.organisation_ids)
            or self.scope.covers(post)
        )
