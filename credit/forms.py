from django import forms
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coop import periods
from coop.pages import DATE_INPUT
from credit.models import DEFAULT_BANDS, Commitment, Factor, Inspection, Violation
from credit.services.commitments import in_force_of
from credit.services.complaints import MAX_EVIDENCE_BYTES
from credit.services.grading import GRADES
from members.models import Member
from standards.models import Standard
from standards.selectors import visible_standards


def active_members():
    return Member.objects.filter(status=Member.Status.ACTIVE).order_by("name")


def current_standards(cooperative):
    """``(code, title)`` of the catalogue's standards a member may declare: those in force."""
    return [
        (standard.code, standard.title_zh)
        for standard in visible_standards({cooperative.pk}).order_by("code")
        if standard.status == Standard.Status.CURRENT
    ]


class DatalistInput(forms.TextInput):
    """A text input with choices offered as one types (an HTML datalist), not imposed."""

    def __init__(self, list_id, options, attrs=None):
        super().__init__({**(attrs or {}), "list": list_id})
        self.list_id, self.options = list_id, options

    def render(self, name, value, attrs=None, renderer=None):
        options = format_html_join(
            "", '<option value="{}">{}</option>', ((code, title) for code, title in self.options)
        )
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            self.list_id,
            options,
        )


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["products", "standards", "guarantees", "valid_from", "valid_until"]
        widgets = {"valid_from": DATE_INPUT, "valid_until": DATE_INPUT}

    def __init__(self, *args, for_staff=False, cooperative=None, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cooperative is not None:
            # The catalogue's current standards, offered as the member types; the service
            # refuses a code the catalogue lacks or one superseded.
            self.fields["standards"].widget = DatalistInput(
                "current-standards", current_standards(cooperative)
            )
            self.fields["standards"].help_text = _(
                "Codes from the standards catalogue, separated by 、, e.g. GB 18401-2010."
            )
        if for_staff and not self.instance.pk:
            self.fields["member"] = forms.ModelChoiceField(active_members(), label=_("member unit"))
            self.order_fields(["member"])
        self.add_replaces(member)

    def add_replaces(self, member):
        """Which of the member's commitments in force this one replaces: none unless ticked
        (a member keeps one per product scope). Staff drafting for a member they have not
        picked yet tick it on the draft's edit page, which knows the member."""
        member = self.instance.member if self.instance.pk else member
        if member is None:
            return
        rows = in_force_of(member).order_by("pk")
        if self.instance.pk:
            rows = rows.exclude(pk=self.instance.pk)
        if not rows.exists():
            return  # nothing in force to replace: no field to puzzle over
        field = ReplacesField(
            rows,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Replaces these commitments"),
            help_text=_(
                "Tick a commitment in force only if this one takes its place: it is withdrawn "
                "and its certificate revoked when this one is published. Unticked ones stay "
                "in force beside this one."
            ),
        )
        self.fields["replaces"] = field
        if self.instance.pk and not self.is_bound:
            self.initial["replaces"] = list(self.instance.replaces.values_list("pk", flat=True))


class ReplacesField(forms.ModelMultipleChoiceField):
    """A commitment in force as a member reads it: its number, products and last day."""

    def label_from_instance(self, obj):
        return gettext("no. %(ref)s (%(products)s, valid until %(until)s)") % {
            "ref": obj.pk,
            "products": obj.products,
            "until": obj.valid_until.isoformat(),
        }


class ComplaintForm(forms.Form):
    product = forms.CharField(label=_("product"), max_length=200)
    description = forms.CharField(
        label=_("what happened"), widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.FileField(
        label=_("purchase evidence"),
        required=False,
        # Lazy as a whole: "%" on a lazy string translates it once, at import, in one language.
        help_text=lazy(
            lambda: (
                gettext("A photo (JPEG, PNG) or PDF of the receipt or order, up to %(mb)d MB.")
                % {"mb": MAX_EVIDENCE_BYTES // 1024 // 1024}
            ),
            str,
        )(),
    )
    contact = forms.CharField(
        label=_("your contact"),
        max_length=200,
        required=False,
        help_text=_("A phone number or e-mail address; only staff see it."),
    )


class TrackingForm(forms.Form):
    code = forms.CharField(label=_("tracking code"), max_length=20)


class PeriodForm(forms.Form):
    start = periods.FormDateField(label=_("from"), widget=DATE_INPUT)
    end = periods.FormDateField(label=_("to"), widget=DATE_INPUT)
    days = forms.IntegerField(
        label=_("objection window (days)"), min_value=1, max_value=30, initial=7, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The period ends before it starts."))
        return data


class ScoringForm(forms.Form):
    """The cooperative's weights (adding up to 100) and the lowest score of each grade."""

    validity_days = forms.IntegerField(
        label=_("validity (days)"), min_value=30, max_value=periods.MOST_DAYS
    )

    def __init__(self, *args, model, **kwargs):
        super().__init__(*args, **kwargs)
        for factor in Factor:
            self.fields[f"weight_{factor.value}"] = forms.IntegerField(
                label=factor.label, min_value=0, initial=model.weights.get(factor.value, 0)
            )
        for grade in GRADES:
            self.fields[f"band_{grade}"] = forms.IntegerField(
                label=_("lowest score for %(grade)s") % {"grade": grade},
                min_value=0,
                max_value=100,
                initial=model.bands.get(grade, DEFAULT_BANDS[grade]),
            )
        self.fields["validity_days"].initial = model.validity_days

    def model_values(self):
        data = self.cleaned_data
        return {
            "weights": {factor.value: data[f"weight_{factor.value}"] for factor in Factor},
            "bands": {grade: data[f"band_{grade}"] for grade in GRADES},
            "validity_days": data["validity_days"],
        }


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["inspected_on", "inspectors", "findings"]
        widgets = {"inspected_on": DATE_INPUT, "findings": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"] = forms.ModelChoiceField(active_members(), label=_("member unit"))
        self.order_fields(["member"])


class ViolationForm(forms.ModelForm):
    class Meta:
        model = Violation
        fields = ["kind", "severity", "legal_clause", "occurred_on", "penalty_amount"]
        widgets = {"occurred_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"] = forms.ModelChoiceField(
            Member.objects.filter(
                status__in=[Member.Status.ACTIVE, Member.Status.SUSPENDED]
            ).order_by("name"),
            label=_("member unit"),
        )
        self.fields["penalty_amount"].help_text = _(
            "Ignored for a first minor violation: it gets a warning."
        )
        self.order_fields(["member"])


class OrderForm(forms.Form):
    requirement = forms.CharField(
        label=_("what must be rectified"), widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = periods.FormDateField(label=_("deadline"), widget=DATE_INPUT)
