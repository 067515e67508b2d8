import pytest

from coop.models import Role
from standards.models import ProductCategory
from tests.factories import MemberFactory, UserFactory

SCHEMES = "/api/v1/benchmark-schemes/"
DECLARATIONS = "/api/v1/benchmark-declarations/"
PUBLIC = "/api/v1/public/benchmarked-products/"


@pytest.fixture
def bedding(db):
    return ProductCategory.objects.get_or_create(code="bedding", defaults={"name_zh": "床上用品"})[
        0
    ]


def scheme_payload(tenant, **overrides):
    return {
        "cooperative": tenant.slug,
        "category": "bedding",
        "product": "纯棉印花四件套",
        "title": "床上用品对标方案",
        "indicators": [
            {
                "name": "甲醛含量",
                "unit": "mg/kg",
                "direction": "max",
                "advanced_value": "20",
                "domestic_value": "75",
                "domestic_standard": "GB 18401-2010 B类",
                "compared": [
                    {
                        "kind": "buyer",
                        "code": "OEKO-TEX Standard 100",
                        "title": "第II类",
                        "value": "75",
                    },
                    {"kind": "international", "code": "ISO 14184-1:2011", "value": "16"},
                ],
            },
            {
                "name": "耐皂洗色牢度",
                "unit": "级",
                "direction": "min",
                "advanced_value": "4",
                "domestic_value": "3",
                "compared": [{"kind": "international", "code": "ISO 105-C06:2010", "value": "4"}],
            },
        ],
        **overrides,
    }


def published_scheme(api, tenant, **overrides):
    made = api(tenant.admin).post(SCHEMES, scheme_payload(tenant, **overrides), format="json")
    assert made.status_code == 201, made.json()
    scheme = made.json()
    published = api(tenant.admin).post(f"{SCHEMES}{scheme['id']}/publish/")
    assert published.status_code == 200, published.json()
    return published.json()


def values_of(scheme, formaldehyde="18", washing="4"):
    first, second = scheme["indicators"]
    return {str(first["id"]): formaldehyde, str(second["id"]): washing}


def declare(api, user, scheme, **overrides):
    data = {
        "scheme": scheme["id"],
        "product_name": "全棉活性印花四件套",
        "model": "HM-4P-180",
        "values": values_of(scheme),
        **overrides,
    }
    return api(user).post(DECLARATIONS, data, format="json")


def certify(api, tenant, declaration_id, number="DBDB-2026-0001", **overrides):
    data = {
        "evaluation_body": "浙江省标准化研究院",
        "certificate_number": number,
        "certified_on": "2026-01-10",
        "valid_until": "2029-01-09",
        **overrides,
    }
    return api(tenant.admin).post(f"{DECLARATIONS}{declaration_id}/certify/", data, format="json")


def member_with_account(tenant, name):
    member = MemberFactory(cooperative=tenant.cooperative, name=name)
    user = UserFactory(username=f"{tenant.slug}-{member.pk}", role=Role.ENTERPRISE, member=member)
    return member, user
