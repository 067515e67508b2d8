"""The forms a member unit (or the administrator for it) fills: a design-patent pre-review
request and a trademark-infringement report. The services check the rules again; these draw
the fields and say what is missing."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from brands.models import DesignReview, InfringementReport
from brands.services.infringements import EVIDENCE
from coop import attachments
from coop.pages import DATE_INPUT
from members.models import Member


def active_members():
    return Member.objects.filter(status=Member.Status.ACTIVE).order_by("name")


class MemberChoice:
    """Staff pick the member unit the request or report is for; a member unit is itself."""

    def add_member(self, for_staff):
        if for_staff:
            self.fields["member"] = forms.ModelChoiceField(active_members(), label=_("member unit"))
            self.order_fields(["member"])


class DesignReviewForm(MemberChoice, forms.ModelForm):
    class Meta:
        model = DesignReview
        fields = ["design_name", "product", "applicant", "submitted_on"]
        widgets = {"submitted_on": DATE_INPUT}

    def __init__(self, *args, for_staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submitted_on"].required = False
        self.fields["submitted_on"].help_text = _(
            "Empty: today. Due 15 working days later (holidays and make-up working days counted)."
        )
        self.add_member(for_staff)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once; their content is checked by ``coop.attachments`` in the service."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [each for each in files if each]


class InfringementForm(MemberChoice, forms.ModelForm):
    # An address typed without its scheme is taken as https (Django 6's default already).
    url = forms.URLField(
        label=InfringementReport._meta.get_field("url").verbose_name,
        max_length=500,
        required=False,
        assume_scheme="https",
    )
    evidence = EvidenceField(
        label=pgettext_lazy("brands", "evidence"),
        required=False,
        help_text=lazy(attachments.rule, str)(EVIDENCE),
    )

    class Meta:
        model = InfringementReport
        fields = ["channel", "place", "url", "seen_on", "description"]
        widgets = {"seen_on": DATE_INPUT}

    def __init__(self, *args, marks, for_staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        # Added here, not in Meta: the marks are tenant rows, read in the request's scope.
        self.fields["mark"] = forms.ModelChoiceField(
            marks, required=False, label=pgettext_lazy("brands", "collective trademark")
        )
        self.order_fields(["mark"])
        self.fields["place"].help_text = _("For a market or shop: its name and address.")
        self.fields["url"].help_text = _("For an online shop: the address of the shop or item.")
        self.add_member(for_staff)
