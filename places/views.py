from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from places.geocoding import place_resolve


@require_GET
def place_check(request: HttpRequest) -> JsonResponse:
    """What a typed place name resolves to, so the post form can show it (and centre its map)
    before saving. Only gazetteer facts about a municipality, nothing about any person."""
    try:
        place = place_resolve(request.GET.get("q", ""))
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(
        {
            "name": place.name,
            "region": place.region,
            "latitude": round(place.latitude, 5),
            "longitude": round(place.longitude, 5),
        }
    )
