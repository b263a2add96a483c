from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.services import user_set_language


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's set_language, and for a signed-in person also remember the choice."""
    response = set_language(request)
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=request.POST.get("language", ""))
    return response
