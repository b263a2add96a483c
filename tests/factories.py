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
    phone = factory.Sequence(lambda n: f"+420 777 000 {n:03d}")
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


class NeedFactory(_PostFactory):
    class Meta:
        model = Need

    people_count = 1
