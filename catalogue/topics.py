"""Topics of integration projects, and guessing them from a project's text on import.

The consortium's file has no topic column, so the importer tags a new project by keywords
(word beginnings, accent- and case-insensitive, English and Czech). Coordinators correct topics
in the admin; a re-import never overwrites them.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.funders import fold


class Topic(models.TextChoices):
    LEGAL = "legal", _("Legal counselling")
    SOCIAL = "social", _("Social work")
    EDUCATION = "education", _("Education and training")
    EMPLOYMENT = "employment", _("Employment")
    RESEARCH = "research", _("Research and analysis")
    ADVOCACY = "advocacy", _("Advocacy and policy")
    UKRAINE = "ukraine", _("Refugees from Ukraine")
    COMMUNITY = "community", _("Community and culture")
    NETWORK = "network", _("Networks and capacity building")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health and psychological support")


# Regular expressions matched at a word beginning in folded text (lower case, no accents);
# a trailing \b asks for the whole word ("health" but not "healthy").
TOPIC_KEYWORDS: dict[str, tuple[str, ...]] = {
    Topic.LEGAL: ("legal", "law", "litigation", "counsel", "pravni", "poradenstvi"),
    Topic.SOCIAL: ("social", "socialni"),
    Topic.EDUCATION: ("education", "school", "pupil", "tutor", "training", "vzdelav", "skol"),
    Topic.EMPLOYMENT: ("employ", r"jobs?\b", "labour", "zamestn", "prace"),
    Topic.RESEARCH: ("research", "analys", "evaluat", "database", "vyzkum", "analyz"),
    Topic.ADVOCACY: ("advocacy", "policy", "policies", "legislat", "lobby", "politik"),
    Topic.UKRAINE: ("ukrain",),
    Topic.COMMUNITY: ("cultur", "intercultural", "communit", "komunit", "kultur"),
    Topic.NETWORK: ("umbrella", "network", "capacit", "platform", r"sit\b"),
    Topic.HOUSING: ("housing", "accommodat", "bydlen", "ubytov"),
    Topic.HEALTH: (r"health\b", "healthcare", "psycholog", "zdravot"),
}
_PATTERNS = {
    topic: re.compile(r"\b(?:" + "|".join(words) + ")") for topic, words in TOPIC_KEYWORDS.items()
}


def topics_for(text: str) -> tuple[str, ...]:
    """Topic slugs whose keywords occur in text, in the order of ``Topic``."""
    folded = fold(text)
    return tuple(str(topic) for topic in Topic if _PATTERNS[topic].search(folded))
