"""Demo data: users, organisations, and offers and needs across Czech cities in every category.

Idempotent: every object has a stable key (an email, a name, an owner + title), so running it
again creates only what is missing, and a fully loaded database returns in well under a second.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import CoordinatorScope, Membership, Organisation, Role, User
from catalogue.services import projects_import_seed
from needs.models import Need
from needs.services import need_create
from offers.models import VERIFICATION_CHECKLIST, Offer, VerificationMethod
from offers.selectors import host_verification_required
from offers.services import host_verify, offer_create
from posts.models import Category
from posts.units import unit_for

DEMO_PASSWORD = "pomoc-demo"
DEMO_DOMAIN = "demo.pomoc.example"
POSTS_PER_KIND = 240

CITIES_BY_COUNTRY = {
    "cz": [
        "Praha",
        "Brno",
        "Ostrava",
        "Plzeň",
        "Liberec",
        "Olomouc",
        "České Budějovice",
        "Hradec Králové",
        "Ústí nad Labem",
        "Pardubice",
        "Zlín",
        "Jihlava",
        "Karlovy Vary",
        "Kladno",
        "Most",
        "Opava",
        "Tábor",
        "Třebíč",
        "Kolín",
        "Cheb",
        "Žižkov",
        "Smíchov",
    ],
    # The Polish consortium's places (POMOC_COUNTRIES=cz,pl): where refugees from Ukraine live.
    "pl": [
        "Warszawa",
        "Warszawa-Mokotów",
        "Kraków",
        "Wrocław",
        "Poznań",
        "Gdańsk",
        "Łódź",
        "Lublin",
        "Rzeszów",
        "Przemyśl",
        "Katowice",
        "Białystok",
        "Szczecin",
    ],
}


def demo_cities() -> list[str]:
    """The demo places of the countries in use, in a fixed order."""
    return [city for country in settings.POMOC_COUNTRIES for city in CITIES_BY_COUNTRY[country]]


ORGANISATIONS = [
    ("Spolek Most k domovu", Organisation.Kind.NGO, True),
    ("Centrum pro integraci Brno", Organisation.Kind.NGO, True),
    ("Obec Dobrá Vůle", Organisation.Kind.MUNICIPALITY, True),
    ("Farnost sv. Ludmily", Organisation.Kind.CHURCH, False),
    ("Sousedská pomoc Ostrava", Organisation.Kind.INFORMAL, False),
]
OFFER_LANGUAGES = [
    ["cs"],
    ["cs", "en"],
    ["cs", "uk"],
    ["uk", "ru"],
    ["cs", "de"],
    ["cs", "sk", "pl"],
]
NEED_LANGUAGES = [["uk"], ["uk", "ru"], ["uk", "en"], ["uk", "cs"], ["ru"], ["en"]]

# (offer title, need title) per top-level category; "{city}" is filled in.
TITLES = {
    "accommodation": ("Pokoj pro matku s dětmi – {city}", "Шукаємо житло для сім'ї – {city}"),
    "material-aid": ("Darujeme oblečení a hygienu – {city}", "Потрібен дитячий візок – {city}"),
    "transport": ("Odvezu k lékaři nebo na úřad – {city}", "Need a lift to the clinic – {city}"),
    "interpreting": (
        "Tlumočení UA–CZ na cizinecké policii – {city}",
        "Потрібен перекладач у лікаря – {city}",
    ),
    "education": ("Doučování matematiky pro školáky – {city}", "Репетитор з математики – {city}"),
    "czech-courses": (
        "Kurz češtiny pro začátečníky – {city}",
        "Курси чеської для дорослих – {city}",
    ),
    "leisure": ("Odpolední kroužek pro děti – {city}", "Заняття для дітей після школи – {city}"),
    "psychological": ("Psychologická podpora online", "Потрібна розмова з психологом – {city}"),
    "legal": ("Právní poradna pro uprchlíky – {city}", "Допомога з документами на візу – {city}"),
    "work": ("Nabízíme práci v kuchyni – {city}", "Шукаю роботу продавчинею – {city}"),
    "health": ("Zdravotní sestra pomůže s orientací – {city}", "Потрібен педіатр – {city}"),
    "childcare": ("Pohlídám děti odpoledne – {city}", "Потрібна няня на ранок – {city}"),
    "other": (
        "Pomohu s čímkoli, co bude potřeba – {city}",
        "Потрібна допомога з переїздом – {city}",
    ),
}
REMOTE_FRIENDLY = {"psychological", "legal", "interpreting", "education", "czech-courses"}


def demo_email(kind: str, number: int) -> str:
    return f"{kind}{number}@{DEMO_DOMAIN}"


class Command(BaseCommand):
    help = "Create demo users, organisations, offers and needs (idempotent)."

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            # Demo accounts share one published password; on a live site they are open doors.
            raise CommandError(
                "seed_demo refuses to run in production: it creates demo accounts with a public "
                "password. Set POMOC_ENV=development on a development or test machine."
            )
        rng = random.Random(2022)  # fixed seed: the same demo data on every machine
        with transaction.atomic():
            coordinator = self._user(
                "coordinator@pomoc.example", [Role.COORDINATOR], "Koordinátorka Jana", staff=True
            )
            volunteers = [
                self._user(demo_email("volunteer", n), [Role.VOLUNTEER], f"Dobrovolník {n}")
                for n in range(1, 13)
            ]
            # Many people from Ukraine read Russian more easily; every fourth demo refugee does,
            # so the demo shows Russian notifications too.
            in_need = [
                self._user(demo_email("refugee", n), [Role.IN_NEED], f"Олена {n}", language="uk")
                if n % 4
                else self._user(
                    demo_email("refugee", n), [Role.IN_NEED], f"Ирина {n}", language="ru"
                )
                for n in range(1, 13)
            ]
            # The role alone grants nothing (accounts.scopes): the demo coordinator looks after
            # the whole platform.
            CoordinatorScope.objects.get_or_create(user=coordinator, platform=True)
            organisations = self._organisations(volunteers)
            created_offers = self._posts(Offer, rng, volunteers, organisations)
            created_needs = self._posts(Need, rng, in_need, organisations)
            self._verify_hosts(coordinator)
        self.stdout.write(
            f"seed_demo: {created_offers} offers and {created_needs} needs created "
            f"({Offer.objects.count()} offers, {Need.objects.count()} needs in total); "
            f"log in as {coordinator.email} / {DEMO_PASSWORD}"
        )
        catalogue = projects_import_seed()
        self.stdout.write(
            f"seed_demo: catalogue {catalogue.created} projects created, "
            f"{catalogue.projects} in the seed file"
        )

    def _user(
        self, email: str, roles: list[str], name: str, *, staff: bool = False, language: str = "cs"
    ) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                roles=roles,
                display_name=name,
                preferred_language=language,
                is_staff=staff,
                is_superuser=staff,
            )
        return user

    def _organisations(self, volunteers: list[User]) -> list[Organisation]:
        organisations = []
        for index, (name, kind, verified) in enumerate(ORGANISATIONS):
            organisation, _ = Organisation.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "verified": verified,
                    "email": f"info{index}@{DEMO_DOMAIN}",
                    "website": f"https://org{index}.{DEMO_DOMAIN}/",
                },
            )
            Membership.objects.get_or_create(
                user=volunteers[index],
                organisation=organisation,
                defaults={"status": Membership.Status.APPROVED, "is_admin": True},
            )
            organisations.append(organisation)
        return organisations

    def _posts(
        self, model, rng: random.Random, owners: list[User], organisations: list[Organisation]
    ) -> int:
        categories = list(Category.objects.select_related("parent"))
        existing = set(model.objects.filter(owner__in=owners).values_list("owner_id", "title"))
        member_of: dict[int, set[int]] = {}
        for user_id, organisation_id in Membership.objects.filter(
            user__in=owners, status=Membership.Status.APPROVED
        ).values_list("user_id", "organisation_id"):
            member_of.setdefault(user_id, set()).add(organisation_id)
        today = timezone.localdate()
        created = 0
        cities = demo_cities()
        for index in range(POSTS_PER_KIND):
            category = categories[index % len(categories)]
            top = category.parent or category
            city = cities[rng.randrange(len(cities))]
            owner = owners[rng.randrange(len(owners))]
            organisation = None
            if model is Offer and index % 4 == 0:
                organisation = next(
                    (org for org in organisations if org.pk in member_of.get(owner.pk, ())), None
                )
            offer_title, need_title = TITLES[top.slug]
            title = (offer_title if model is Offer else need_title).format(city=city)
            title = f"{title} #{index + 1}"
            remote = top.slug in REMOTE_FRIENDLY and rng.random() < 0.4
            languages = rng.choice(OFFER_LANGUAGES if model is Offer else NEED_LANGUAGES)
            radius_km = rng.choice([0, 5, 10, 20, 30, 50, 100])
            valid_from = today - timedelta(days=rng.randrange(0, 60))
            valid_until = today + timedelta(days=rng.randrange(14, 180))
            capacity = rng.choice([1, 1, 2, 3, 5, 10])
            people_count = rng.choice([1, 1, 2, 3, 4, 6])
            urgency = rng.choice([1, 2, 2, 3, 4])
            # Every random draw happens before this check, so a re-run walks the same sequence.
            if (owner.pk, title) in existing:
                continue
            common = dict(
                owner=owner,
                category=category,
                title=title,
                place_name=city,
                languages=languages,
                organisation=organisation,
                radius_km=radius_km,
                remote=remote,
                valid_from=valid_from,
                valid_until=valid_until,
                description="Demo: " + title,
                # Demo users get far more posts at once than a person may make in an hour.
                rate_limited=False,
            )
            if model is Offer:
                # Beds, seats, items or places, by category (posts/units.py).
                offer_create(capacity=capacity, **common)
            else:
                if unit_for(top.slug).partial:
                    # A few items per person, derived rather than drawn, so that a re-run
                    # walks the same random sequence.
                    common["details"] = {"quantity": 2 * people_count}
                need_create(people_count=people_count, urgency=urgency, **common)
            created += 1
        return created

    def _verify_hosts(self, coordinator: User) -> None:
        """Two in three demo hosts in categories that vet hosts are verified by the
        coordinator; the rest show "awaiting verification" and are not proposed."""
        unverified = Offer.objects.filter(
            host_verified_at__isnull=True, verifications__isnull=True
        ).select_related("category__parent")
        for index, offer in enumerate(unverified.order_by("pk")):
            if not host_verification_required(offer) or index % 3 == 2:
                continue
            host_verify(
                offer=offer,
                actor=coordinator,
                method=VerificationMethod.VIDEO_CALL,
                checklist=dict.fromkeys(VERIFICATION_CHECKLIST, True),
                household_members="Demo: the host alone.",
            )
