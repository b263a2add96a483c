from __future__ import annotations

from needs.models import Need
from posts.api.filters import PostFilterSet


class NeedFilterSet(PostFilterSet):
    class Meta(PostFilterSet.Meta):
        model = Need
