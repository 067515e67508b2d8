import itertools
from datetime import date

import factory

from coop.models import Cooperative, District, Region, User
from coop.tenancy import unscoped
from members.models import Member
from members.uscc import ALPHABET, check_character
from testing_fund.models import TestingInstitution

_organisation_codes = itertools.count(1)


def next_uscc(entity_type="1", district_code="320684"):
    """A valid, unused USCC: the organisation code counts up in the USCC alphabet."""
    number, digits = next(_organisation_codes), []
    for _ in range(9):
        number, digit = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[digit])
    body = "9" + entity_type + district_code + "".join(reversed(digits))
    return body + check_character(body)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    slug = factory.Sequence(lambda n: f"region-{n}")
    name_zh = factory.Sequence(lambda n: f"测试市{n}")
    name_en = factory.Sequence(lambda n: f"Test City {n}")
    division_code = "320600"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    region = factory.SubFactory(RegionFactory)
    division_code = factory.Sequence(lambda n: f"{320700 + n}")
    name_zh = factory.Sequence(lambda n: f"测试区{n}")


class CooperativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cooperative
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"coop-{n}")
    code = factory.Sequence(lambda n: f"TC{n}")
    name_zh = factory.Sequence(lambda n: f"测试质量合作社{n}")
    name_en = factory.Sequence(lambda n: f"Test Quality Cooperative {n}")
    region = factory.SubFactory(RegionFactory)
    district = factory.SubFactory(DistrictFactory, region=factory.SelfAttribute("..region"))
    industry = "家用纺织品"
    established = date(2017, 6, 16)

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        """The seat is always served; ``districts=[…]`` adds others."""
        if create:
            self.serve(extracted or ())


class MemberFactory(factory.django.DjangoModelFactory):
    """Members are tenant-owned: the factory writes them outside any request scope on purpose."""

    class Meta:
        model = Member

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: f"南通测试家纺有限公司{n}")
    uscc = factory.LazyFunction(next_uscc)
    kind = Member.Kind.ENTERPRISE
    status = Member.Status.ACTIVE
    district = factory.SelfAttribute("cooperative.district")
    town = "三厂街道"
    joined_on = date(2024, 3, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with unscoped():
            return super()._create(model_class, *args, **kwargs)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TestingInstitution

    name_zh = factory.Sequence(lambda n: f"测试纤维检验所{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("test-pass-2026")


def member_form(member=None, cooperative=None, **overrides):
    """A valid member form (page or admin) for ``member``, or for a new unit of ``cooperative``."""
    cooperative = cooperative or member.cooperative
    data = {
        "name": member.name if member else "南通新华家纺有限公司",
        "kind": member.kind if member else "enterprise",
        "uscc": member.uscc if member else next_uscc(),
        "registration_number": "",
        "district": cooperative.district_id,
        "town": member.town if member else "三厂街道",
        "scale": member.scale if member else "micro",
        "chain_role": member.chain_role if member else "finished_product",
        "legal_representative": "",
        "contact_person": "",
        "contact_phone": "",
        "address": "",
        "main_products": "",
        "shop_links": "",
    }
    return {**data, **overrides}


def member_payload(cooperative, **overrides):
    """A valid API body for a new member of ``cooperative``."""
    data = {
        "name": "南通新华家纺有限公司",
        "uscc": next_uscc(),
        "kind": "enterprise",
        "district": cooperative.district.division_code,
        "town": "悦来镇",
    }
    return {**data, **overrides}
