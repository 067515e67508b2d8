from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coop import periods
from coop.pages import DATE_INPUT
from exports import countries
from members.models import Member
from standards.models import ProductCategory
from standards.selectors import visible_standards


def market_field():
    # Choices as a callable: the names follow the reader's language.
    return forms.MultipleChoiceField(
        label=_("export markets"),
        choices=countries.choices,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return member.name


def members_field():
    # The queryset is set on the form's creation, in the request's scope.
    return MemberChoice(label=_("member unit"), queryset=None)


def members_in_cooperative():
    return Member.objects.exclude(
        status__in=[Member.Status.REJECTED, Member.Status.EXITED]
    ).order_by("name")


class ExportProductForm(forms.Form):
    member = members_field()
    name = forms.CharField(label=_("product"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("product category"), queryset=ProductCategory.objects.all(), required=False
    )
    hs_code = forms.CharField(
        label=_("HS code"),
        max_length=12,
        help_text=_("6 to 10 digits, e.g. 630231 (bed linen of cotton)."),
    )
    markets = market_field()

    def __init__(self, *args, for_staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_staff:
            self.fields["member"].queryset = members_in_cooperative()
        else:
            del self.fields["member"]


class MeasureForm(forms.Form):
    country = forms.ChoiceField(label=_("notifying country"), choices=countries.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    text = forms.CharField(label=_("the measure"), widget=forms.Textarea(attrs={"rows": 5}))
    hs_prefixes = forms.CharField(
        label=_("HS code prefixes touched"),
        required=False,
        help_text=_("e.g. 6302, 9404: an export product whose HS code starts with one is touched."),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("product categories touched"),
        queryset=ProductCategory.objects.all(),
        required=False,
    )
    effective_on = forms.DateField(label=_("date of effect"), widget=DATE_INPUT)
    reference = forms.CharField(
        label=pgettext_lazy("exports", "reference"),
        max_length=100,
        required=False,
        help_text=_("e.g. the WTO TBT notification number G/TBT/N/EU/1234."),
    )

    def clean_effective_on(self):
        day = self.cleaned_data["effective_on"]
        periods.check_dates(effective_on=day)
        return day


class MeasureImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX file"))


class StandardChoice(forms.ModelChoiceField):
    def label_from_instance(self, standard):
        return f"{standard.code} {standard.title_zh}"


class SameLineForm(forms.Form):
    member = members_field()
    product = forms.CharField(label=_("product"), max_length=200)
    standard = StandardChoice(label=_("standard"), queryset=None)
    markets = market_field()
    line = forms.CharField(
        label=_("production line"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The line the product is made on for both markets: where, equipment, capacity."
        ),
    )

    def __init__(self, *args, cooperative=None, for_staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = visible_standards({cooperative.pk}).order_by("code")
        if for_staff:
            self.fields["member"].queryset = members_in_cooperative()
        else:
            del self.fields["member"]
