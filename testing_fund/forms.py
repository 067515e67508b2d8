import random
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from coop.pages import DATE_INPUT
from members.models import Member
from standards import exemptions
from standards.models import Indicator
from standards.selectors import visible_standards
from testing_fund.models import Appropriation, Batch, Fund, SamplingRound, TestingInstitution


def labs_of(cooperative):
    return TestingInstitution.objects.filter(cooperatives=cooperative)


def preselect_a_lone_lab(lab):
    """One lab serving the cooperative: choose it, and offer no empty choice to trip over.
    The labs are read once and handed to the widget as they are, so this costs no second
    query; the field's queryset still checks what comes back."""
    labs = list(lab.queryset)
    if len(labs) == 1:
        lab.initial = labs[0].pk
        lab.empty_label = None
    lab.widget.choices = [("", lab.empty_label)] * (lab.empty_label is not None) + [
        (each.pk, lab.label_from_instance(each)) for each in labs
    ]


def safety_categories():
    """GB 18401's categories, each said in words beside its letter."""
    return [
        ("A", _("A – for infants and young children under 36 months (婴幼儿用品)")),
        ("B", _("B – in direct contact with skin (underwear, bed sheets, pillowcases)")),
        ("C", _("C – not in direct contact with skin (coats, curtains, bedspreads)")),
    ]


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
    # GB 18401-2010's exemptions: the indicators they take out are not tested nor charged.
    exemptions = forms.MultipleChoiceField(
        choices=exemptions.CHOICES,
        required=False,
        label=_("exemptions (GB 18401-2010)"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What the product is spared: those indicators are not tested or charged."),
    )

    class Meta:
        model = Batch
        fields = [
            "product",
            "category",
            "safety_category",
            "exemptions",
            "chain_role",
            "lab",
            "lot_number",
            "quantity",
            "delivery",
            "due_on",
        ]
        widgets = {"due_on": DATE_INPUT}

    def __init__(
        self, *args, cooperative, standard, for_staff, free_left=None, members_left=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = labs_of(cooperative)
        preselect_a_lone_lab(self.fields["lab"])
        self.fields["safety_category"].choices = safety_categories()
        self.fields["safety_category"].help_text = SAFETY_CATEGORY_HELP
        self.fields["indicators"].queryset = Indicator.objects.filter(
            limits__standard=standard
        ).distinct()
        # With no free test left the fund would refuse it at approval: the member says, before
        # sending, that it pays for this one itself (``check_quota`` skips such a batch).
        if free_left == 0:
            self.fields["paid_by_member"] = forms.BooleanField(
                required=True,
                label=_("paid by this unit itself (自费检测)"),
                help_text=_("This year's free tests are used up; the unit pays the lab's price."),
                error_messages={
                    "required": _(
                        "No free test is left this year: tick “paid by this unit itself” "
                        "to request one at your own expense."
                    )
                },
            )
        if for_staff:
            self.fields["member"] = MemberWithFreeTestsField(
                Member.objects.filter(status=Member.Status.ACTIVE).order_by("name"),
                label=_("member unit"),
                left=members_left or ({}, None),
            )
            self.order_fields(["member"])
            # Staff say for whom, so the quota is known only once the member is chosen: the
            # choice shows each member's free tests left, and the service refuses a fund-paid
            # request when none is left, onto this field.
            self.fields["paid_by_member"] = forms.BooleanField(
                required=False,
                label=_("paid by the member unit itself (自费检测)"),
                help_text=_(
                    "Tick when the member's free tests of this year are used up: the unit pays "
                    "the lab's price."
                ),
            )


class MemberWithFreeTestsField(forms.ModelChoiceField):
    """A member unit, named with its free tests left this year. ``left`` is
    ``free_batches_by_member``'s answer: the counts of members that used some, and the quota
    the others have whole."""

    def __init__(self, *args, left, **kwargs):
        self.left, self.quota = left
        super().__init__(*args, **kwargs)

    def label_from_instance(self, member):
        left = self.left.get(member.pk, self.quota)
        if left is None:
            return str(member)
        return _("%(member)s (free tests left: %(left)d)") % {"member": member, "left": left}


class AppropriationForm(forms.ModelForm):
    class Meta:
        model = Appropriation
        fields = ["source", "amount", "on", "document_number"]
        widgets = {"on": DATE_INPUT}


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


SAFETY_CATEGORY_HELP = _(
    "GB 18401: A for infants and young children (婴幼儿用品), B in direct contact with skin, "
    "C not in direct contact with skin."
)


class RoundForm(forms.ModelForm):
    """Plan a round; the seed is drawn when left empty and kept with the round."""

    # Declared, not generated: the standards' manager answers only inside a request's scope.
    standard = forms.ModelChoiceField(None, label=_("standard"))
    # People think of a share as a percentage: the form takes 10 for 10 % and hands the
    # service the fraction the round stores (0.100), so the API and the service stay as they were.
    coverage = forms.DecimalField(
        label=_("Coverage (%)"),
        min_value=Decimal("0.1"),
        max_value=Decimal("100"),
        max_digits=4,
        decimal_places=1,
        initial=Decimal("10"),
        help_text=_("The share of active members to sample, in per cent, e.g. 10."),
        error_messages={
            "invalid": _("Coverage must be a number of per cent, e.g. 10."),
            "min_value": _("Coverage must be at least %(limit_value)s per cent."),
            "max_value": _("Coverage cannot be more than %(limit_value)s per cent."),
            "max_digits": _("Coverage takes at most one decimal place, e.g. 12.5."),
            "max_decimal_places": _("Coverage takes at most one decimal place, e.g. 12.5."),
            "max_whole_digits": _("Coverage cannot be more than 100 per cent."),
        },
    )

    class Meta:
        model = SamplingRound
        fields = ["name", "coverage", "lab", "standard", "safety_category", "seed"]

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = labs_of(cooperative)
        self.fields["standard"].queryset = standards_with_limits(cooperative).order_by("code")
        self.fields["seed"].required = False
        self.fields["seed"].help_text = _(
            "Drawn for you and kept with the round, so its selection can be worked out again."
        )
        # Prefilled rather than drawn on save: what the officer saw is what the round keeps.
        self.fields["seed"].initial = random.randrange(1, 2**31)
        preselect_a_lone_lab(self.fields["lab"])
        self.fields["safety_category"].widget = forms.Select(choices=safety_categories())
        self.fields["safety_category"].help_text = SAFETY_CATEGORY_HELP

    def clean_coverage(self):
        coverage = self.cleaned_data["coverage"]
        return None if coverage is None else (coverage / 100).quantize(Decimal("0.001"))

    def visible_fields_but_seed(self):
        return [field for field in self.visible_fields() if field.name != "seed"]
