from __future__ import annotations

import datetime as dt

import factory
from django.contrib.gis.geos import Point
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from needs.models import Need
from offers.models import Offer
from posts.models import Category

PRAHA = Point(14.42076, 50.08804, srid=4326)
BRNO = Point(16.60796, 49.19522, srid=4326)


def category(slug: str = "clothes") -> Category:
    return Category.objects.get(slug=slug)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"User {n}")
    phone = factory.Sequence(lambda n: f"+420777{n:06d}")  # valid E.164 (a Czech mobile)
    roles = factory.LazyFunction(lambda: ["volunteer"])
    password = factory.django.Password("correct horse battery")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    email = factory.Sequence(lambda n: f"org{n}@example.org")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = Membership.Status.APPROVED


class _PostFactory(factory.django.DjangoModelFactory):
    owner = factory.SubFactory(UserFactory)
    category = factory.LazyFunction(lambda: category("clothes"))
    title = factory.Sequence(lambda n: f"Post {n}")
    place_name = "Praha"
    location = PRAHA
    radius_km = 10
    languages = factory.LazyFunction(lambda: ["cs", "uk"])
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))


class OfferFactory(_PostFactory):
    class Meta:
        model = Offer

    capacity = 1
    # A vetted host, so housing offers match in tests about other things; the tests of vetting
    # (tests/offers/test_host_verification.py) start from None.
    host_verified_at = factory.LazyFunction(timezone.now)


class NeedFactory(_PostFactory):
    class Meta:
        model = Need

    people_count = 1


# The catalogue of integration projects.
class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalogue.Funder"

    name = factory.Sequence(lambda n: f"Funder {n}")
    kind = "foundation"


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project; pass ``funders=[...]`` and ``organisations=[...]`` (they run it)."""

    class Meta:
        model = "catalogue.Project"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Project {n}")
    description = "An integration project."
    start_month = dt.date(2024, 1, 1)
    end_month = dt.date(2024, 12, 1)
    topics = factory.LazyFunction(list)
    identity_key = factory.Sequence(lambda n: f"factory-{n}")

    @factory.post_generation
    def funders(self, create, extracted, **kwargs):
        if create and extracted:
            self.funders.set(extracted)

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create and extracted:
            for organisation in extracted:
                self.organisation_links.create(organisation=organisation, role="runs")


# Matching (issue 5).
class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matching.Match"

    offer = factory.SubFactory(OfferFactory)
    need = factory.SubFactory(NeedFactory)
    score = 0.8
    explanation = factory.LazyFunction(
        lambda: {
            "factors": {"distance": 0.9, "language": 1.0},
            "weights": {"distance": 3, "language": 2},
            "distance_km": 2.5,
        }
    )
