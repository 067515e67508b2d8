from django import forms
from django.utils.translation import gettext_lazy as _

from benchmarking.models import ComparedStandard, Direction
from members.models import Member
from standards.models import ProductCategory


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return member.name


class SchemeForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("product category"), queryset=ProductCategory.objects.all()
    )
    product = forms.CharField(label=_("product"), max_length=200)
    title = forms.CharField(
        label=_("title"),
        max_length=200,
        required=False,
        help_text=_("Left empty: “Benchmarking scheme for” the product."),
    )
    summary = forms.CharField(
        label=_("summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class IndicatorForm(forms.Form):
    """A key indicator with the first advanced standard it is compared with."""

    name = forms.CharField(label=_("indicator"), max_length=100)
    unit = forms.CharField(label=_("unit"), max_length=30, required=False)
    direction = forms.ChoiceField(label=_("direction"), choices=Direction.choices)
    advanced_value = forms.DecimalField(
        label=_("advanced value"),
        max_digits=12,
        decimal_places=3,
        help_text=_("The value a benchmarked product must meet."),
    )
    domestic_value = forms.DecimalField(
        label=_("domestic value"), max_digits=12, decimal_places=3, required=False
    )
    domestic_standard = forms.CharField(
        label=_("domestic standard"),
        max_length=100,
        required=False,
        help_text=_("e.g. GB 18401-2010 class B."),
    )
    kind = forms.ChoiceField(
        label=_("kind of standard compared"), choices=ComparedStandard.Kind.choices
    )
    code = forms.CharField(
        label=_("code of standard compared"), max_length=100, help_text=_("e.g. ISO 14184-1:2011.")
    )
    standard_title = forms.CharField(
        label=_("title of standard compared"), max_length=200, required=False
    )
    value = forms.DecimalField(
        label=_("value in the standard compared"), max_digits=12, decimal_places=3
    )


class ComparedForm(forms.Form):
    indicator = forms.ChoiceField(label=_("indicator"))
    kind = forms.ChoiceField(label=_("kind"), choices=ComparedStandard.Kind.choices)
    code = forms.CharField(label=_("code"), max_length=100, help_text=_("e.g. ISO 14184-1:2011."))
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    value = forms.DecimalField(label=_("value"), max_digits=12, decimal_places=3)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(str(i.pk), i.name) for i in indicators]


class DeclarationForm(forms.Form):
    """A product declared against one scheme: a value field for each key indicator."""

    member = MemberChoice(label=_("member unit"), queryset=None)
    product_name = forms.CharField(label=_("product"), max_length=200)
    model = forms.CharField(label=_("model"), max_length=100, required=False)

    def __init__(self, *args, indicators=(), for_staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_staff:
            self.fields["member"].queryset = Member.objects.filter(
                status__in=[Member.Status.ACTIVE, Member.Status.SUSPENDED]
            ).order_by("name")
        else:
            del self.fields["member"]
        self.indicators = list(indicators)
        for indicator in self.indicators:
            self.fields[f"value_{indicator.pk}"] = forms.DecimalField(
                label=indicator.name,
                max_digits=12,
                decimal_places=3,
                help_text=_("The scheme's advanced value: %(rule)s %(value)s %(unit)s")
                % {
                    "rule": indicator.rule,
                    "value": indicator.advanced_shown,
                    "unit": indicator.unit,
                },
            )

    def values(self):
        return {str(i.pk): self.cleaned_data[f"value_{i.pk}"] for i in self.indicators}
