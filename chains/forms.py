from django import forms
from django.utils.translation import gettext_lazy as _

from chains.models import AgreementIndicator, SupplierAudit
from coop import periods
from coop.pages import DATE_INPUT
from members.models import Member
from members.uscc import validate_uscc
from standards.models import ProductCategory
from standards.selectors import visible_standards


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return member.name


class MembersChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, member):
        return member.name


class CategoryChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, category):
        return category.name


def members_in_cooperative():
    return Member.objects.filter(
        status__in=[Member.Status.ACTIVE, Member.Status.APPROVED, Member.Status.SUSPENDED]
    ).order_by("name")


class DatesChecked(forms.Form):
    DATES = ()

    def clean(self):
        data = super().clean()
        try:
            periods.check_dates(**{name: data.get(name) for name in self.DATES})
        except forms.ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field, messages)
        return data


class AgreementForm(DatesChecked):
    DATES = ("signed_on", "valid_until")

    title = forms.CharField(label=_("title"), max_length=200)
    owner_member = MemberChoice(
        label=_("chain owner (member unit)"),
        queryset=None,
        required=False,
        help_text=_("A member unit of the cooperative, or else an outside firm below."),
    )
    owner_name = forms.CharField(
        label=_("chain owner (outside firm)"), max_length=200, required=False
    )
    owner_uscc = forms.CharField(
        label=_("outside firm's unified social credit code"), max_length=18, required=False
    )
    products = forms.CharField(
        label=_("products in scope"), widget=forms.Textarea(attrs={"rows": 3})
    )
    categories = CategoryChoice(
        label=_("product categories in scope"),
        queryset=ProductCategory.objects.all(),
        required=False,
    )
    signed_on = forms.DateField(label=_("signed on"), widget=DATE_INPUT)
    valid_until = forms.DateField(label=_("valid until"), widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_member"].queryset = members_in_cooperative()

    def clean_owner_uscc(self):
        code = self.cleaned_data["owner_uscc"].strip().upper()
        if code:
            validate_uscc(code)
        return code

    def clean(self):
        data = super().clean()
        member, name = data.get("owner_member"), (data.get("owner_name") or "").strip()
        if member and (name or data.get("owner_uscc")):
            self.add_error(
                "owner_member",
                _("Name the chain owner once: a member unit, or an outside firm, not both."),
            )
        elif not member and not name and "owner_member" not in self.errors:
            self.add_error(
                "owner_member", _("Name the chain owner: a member unit, or an outside firm's name.")
            )
        return data


class StandardChoice(forms.ModelChoiceField):
    def label_from_instance(self, standard):
        return f"{standard.code} {standard.title_zh}"


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("indicator"), max_length=100)
    unit = forms.CharField(label=_("unit"), max_length=30, required=False)
    direction = forms.ChoiceField(
        label=_("kind of limit"), choices=AgreementIndicator.Direction.choices
    )
    national_value = forms.DecimalField(label=_("national limit"), max_digits=12, decimal_places=4)
    agreed_value = forms.DecimalField(label=_("agreed value"), max_digits=12, decimal_places=4)
    standard = StandardChoice(label=_("national standard"), queryset=None, required=False)
    standard_code = forms.CharField(
        label=_("standard it comes from"),
        max_length=60,
        required=False,
        help_text=_("e.g. GB 18401-2010 (class B, direct skin contact)."),
    )

    def __init__(self, *args, cooperative=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = visible_standards({cooperative.pk}).order_by("code")


class SupplierForm(DatesChecked):
    DATES = ("joined_on",)

    member = MemberChoice(label=_("supplier (member unit)"), queryset=None)
    joined_on = forms.DateField(label=_("joined on"), widget=DATE_INPUT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members_in_cooperative()


class AuditForm(DatesChecked):
    DATES = ("audited_on", "correction_due_on")

    supplier = MemberChoice(label=_("supplier (member unit)"), queryset=None)
    audited_on = forms.DateField(label=_("audit date"), widget=DATE_INPUT)
    auditor = forms.CharField(label=_("auditor"), max_length=100)
    findings = forms.CharField(label=_("findings"), widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.ChoiceField(label=_("result"), choices=SupplierAudit.Result.choices)
    correction_due_on = forms.DateField(
        label=_("corrections due"), widget=DATE_INPUT, required=False
    )

    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = (
            Member.objects.filter(chain_supplies__agreement=agreement).distinct().order_by("name")
        )


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    problem = forms.CharField(
        label=_("the quality problem"), widget=forms.Textarea(attrs={"rows": 4})
    )
    indicators = forms.CharField(
        label=_("indicators concerned"),
        required=False,
        help_text=_(
            "Names separated by 、 or commas, e.g. colour fastness to rubbing, formaldehyde."
        ),
    )
    participants = MembersChoice(
        label=_("participating member units"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    partners = forms.CharField(
        label=_("partner institutions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: universities, labs, institutes."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = members_in_cooperative()


class MilestoneForm(DatesChecked):
    DATES = ("due_on", "done_on")

    title = forms.CharField(label=_("milestone"), max_length=200)
    due_on = forms.DateField(label=_("due"), widget=DATE_INPUT)
    done_on = forms.DateField(label=_("done on"), widget=DATE_INPUT, required=False)
