from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Member
from standards.models import Indicator
from standards.selectors import visible_standards
from testing_fund.models import Appropriation, Batch, Fund, SamplingRound, TestingInstitution

DATE = forms.DateInput(attrs={"type": "date"})


def labs_of(cooperative):
    return TestingInstitution.objects.filter(cooperatives=cooperative)


def standards_with_limits(cooperative):
    """The standards a batch can be tested against: those that set limits."""
    return visible_standards({cooperative.pk}).filter(limits__isnull=False).distinct()


class StandardChoiceForm(forms.Form):
    """The first step of a request: the standard decides which indicators are offered."""

    standard = forms.ModelChoiceField(None, label=_("standard executed"))

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = standards_with_limits(cooperative).order_by("code")


class BatchRequestForm(forms.ModelForm):
    """A request for a free test, against the standard chosen in the first step."""

    indicators = forms.ModelMultipleChoiceField(
        None,
        required=False,
        label=_("indicators to test"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every indicator the standard limits for the safety category."),
    )

    class Meta:
        model = Batch
        fields = [
            "product",
            "category",
            "safety_category",
            "chain_role",
            "lab",
            "lot_number",
            "quantity",
            "delivery",
            "due_on",
        ]
        widgets = {"due_on": DATE}

    def __init__(self, *args, cooperative, standard, for_staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = labs_of(cooperative)
        self.fields["indicators"].queryset = Indicator.objects.filter(
            limits__standard=standard
        ).distinct()
        if for_staff:
            self.fields["member"] = forms.ModelChoiceField(
                Member.objects.filter(status=Member.Status.ACTIVE).order_by("name"),
                label=_("member unit"),
            )
            self.order_fields(["member"])


class AppropriationForm(forms.ModelForm):
    class Meta:
        model = Appropriation
        fields = ["source", "amount", "on", "document_number"]
        widgets = {"on": DATE}


class AdjustmentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Negative to take money out."),
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class QuotaForm(forms.Form):
    free_quota = forms.IntegerField(
        label=Fund._meta.get_field("free_quota").verbose_name, min_value=1, max_value=5
    )


class RoundForm(forms.ModelForm):
    """Plan a round; the seed is drawn when left empty and kept with the round."""

    # Declared, not generated: the standards' manager answers only inside a request's scope.
    standard = forms.ModelChoiceField(None, label=_("standard"))

    class Meta:
        model = SamplingRound
        fields = ["name", "coverage", "lab", "standard", "safety_category", "seed"]

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = labs_of(cooperative)
        self.fields["standard"].queryset = standards_with_limits(cooperative).order_by("code")
        self.fields["seed"].required = False
        self.fields["seed"].help_text = _("Leave it empty to draw one; it is kept with the round.")
        self.fields["coverage"].initial = "0.10"
        self.fields["safety_category"].widget = forms.Select(
            choices=Batch._meta.get_field("safety_category").choices
        )
