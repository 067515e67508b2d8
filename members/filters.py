import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from coop.models import District
from members.models import Certification, Member
from members.selectors import search_members


class MemberFilter(django_filters.FilterSet):
    """The member list's filters, shared by the API, the staff page and the XLSX export.

    Every filter is declared, none generated from Meta.fields: generating them builds a
    queryset of the tenant-owned model at import time, outside any scope.
    """

    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(
        choices=Member.Status.choices, label=_("Status"), empty_label=_("all")
    )
    kind = django_filters.ChoiceFilter(
        choices=Member.Kind.choices, label=_("Kind"), empty_label=_("all")
    )
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.all(), label=_("District"), empty_label=_("all")
    )
    town = django_filters.CharFilter(label=_("Town"))
    scale = django_filters.ChoiceFilter(
        choices=Member.Scale.choices, label=_("Scale"), empty_label=_("all")
    )
    chain_role = django_filters.ChoiceFilter(
        choices=Member.ChainRole.choices, label=_("Role in the chain"), empty_label=_("all")
    )
    certification = django_filters.ChoiceFilter(
        choices=Certification.Scheme.choices,
        method="holding",
        label=_("Certification"),
        empty_label=_("all"),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        cooperative = getattr(request, "cooperative", None)
        if cooperative is not None:
            # Members lie only in the districts their cooperative serves.
            self.filters["district"].queryset = cooperative.member_districts()

    def search(self, queryset, name, value):
        return search_members(queryset, value)

    def holding(self, queryset, name, value):
        held = Certification.objects.filter(member=OuterRef("pk"), scheme=value)
        return queryset.filter(Exists(held))
