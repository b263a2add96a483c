from __future__ import annotations

from needs.forms import NeedForm
from needs.models import Need
from needs.services import need_create, need_set_status, need_update
from posts.views import PostKind

NEED_KIND = PostKind(
    model=Need,
    form_class=NeedForm,
    create=need_create,
    update=need_update,
    set_status=need_set_status,
    name="need",
)
