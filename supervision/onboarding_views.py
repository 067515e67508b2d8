"""The onboarding page of a region supervisor and the page that shows what it made
(``supervision/onboarding.py`` does the work)."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop import periods
from coop.access import role_required
from coop.models import District, Invitation, Role
from coop.pages import DATE_INPUT
from coop.tenancy import scope
from members.models import Convention
from supervision.onboarding import (
    CONVENTION_FIELDS,
    CONVENTION_TEMPLATE,
    may_onboard,
    onboard_cooperative,
    onboarding_record,
)
from supervision.schedules import does, next_run, schedules_of, timing_in_words
from testing_fund.models import YUAN, Appropriation, TestingInstitution


def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class OnboardingForm(forms.Form):
    """The onboarding's fields under the service's names, in the order a person fills them."""

    name_zh = forms.CharField(
        label=_("Name (Chinese)"),
        max_length=200,
        help_text=_("The full name, e.g. 海门区家纺质量合作社."),
    )
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    slug = forms.CharField(
        label=_("Web name"),
        max_length=50,
        help_text=_(
            "Its addresses on the portal (/c/web-name/): lowercase letters, digits and hyphens, "
            "e.g. haimen-hometextile. It cannot be changed later."
        ),
    )
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=12,
        help_text=_(
            "2 to 12 capital letters or digits that begin its certificate numbers, e.g. HMJF."
        ),
    )
    industry = forms.CharField(label=_("Industry"), max_length=100, help_text=_("e.g. 家用纺织品"))
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        help_text=_("Where the cooperative has its seat; only your region's districts are listed."),
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts served"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The districts its industrial cluster spans: its members may lie in any of them. "
            "The seat's district is served anyway."
        ),
    )
    established = periods.FormDateField(
        label=_("Established"), widget=DATE_INPUT, initial=timezone.localdate
    )
    founding_units = forms.CharField(
        label=_("Founding units"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One unit per line: the bureau, the government, labs, the chamber, leading firms."
        ),
    )
    description = forms.CharField(
        label=_("About the cooperative"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    labs = forms.ModelMultipleChoiceField(
        label=_("Labs that serve it"),
        queryset=TestingInstitution.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The testing institutions that test its members' products. You may add them later."
        ),
    )
    convention_title = forms.CharField(label=_("Title"), max_length=200)
    convention_text = forms.CharField(
        label=_("Preamble"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    convention_purpose = forms.CharField(
        label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2})
    )
    convention_principles = forms.CharField(
        label=_("Principles"), widget=forms.Textarea(attrs={"rows": 2})
    )
    convention_duties = forms.CharField(
        label=_("Duties of members"), widget=forms.Textarea(attrs={"rows": 3})
    )
    convention_member_conditions = forms.CharField(
        label=_("Member conditions"), widget=forms.Textarea(attrs={"rows": 2})
    )
    convention_entry_exit_rules = forms.CharField(
        label=_("Entry and exit rules"), widget=forms.Textarea(attrs={"rows": 3})
    )
    fund_year = forms.IntegerField(label=_("Fund year"), initial=lambda: timezone.localdate().year)
    fund_amount = forms.DecimalField(
        label=_("First appropriation (yuan)"),
        max_digits=YUAN["max_digits"],
        decimal_places=YUAN["decimal_places"],
        help_text=_("The money the fund receives to begin with, e.g. 200000.00."),
    )
    fund_source = forms.CharField(
        label=_("Source of the money"), max_length=200, help_text=_("e.g. 海门区财政局")
    )
    fund_document_number = forms.CharField(
        label=_("Document number"),
        max_length=100,
        required=False,
        help_text=_("The number of the appropriation's document, if there is one."),
    )
    fund_on = periods.FormDateField(
        label=_("Date of the appropriation"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Today if empty."),
    )
    administrators = forms.CharField(
        label=_("Administrators' email addresses"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One address per line. Each gets an email with a one-time link to set a password "
            "and become the cooperative's administrator."
        ),
    )

    GROUPS = [
        (
            _("The cooperative"),
            [
                "name_zh",
                "name_en",
                "slug",
                "code",
                "industry",
                "district",
                "districts",
                "established",
                "founding_units",
                "description",
            ],
        ),
        (_("Labs"), ["labs"]),
        (_("The first convention"), [f"convention_{name}" for name in CONVENTION_FIELDS]),
        (
            _("The testing fund"),
            ["fund_year", "fund_amount", "fund_source", "fund_document_number", "fund_on"],
        ),
        (_("Administrators"), ["administrators"]),
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        districts = District.objects.select_related("region")
        if not user.is_superuser:
            districts = districts.filter(region_id=user.region_id)
        self.fields["district"].queryset = districts
        self.fields["districts"].queryset = districts
        for name in CONVENTION_FIELDS:
            self.fields[f"convention_{name}"].initial = CONVENTION_TEMPLATE[name]

    def has_districts(self):
        return self.fields["district"].queryset.exists()

    def groups(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def service_values(self):
        data = self.cleaned_data
        return dict(
            region=data["district"].region,
            slug=data["slug"],
            code=data["code"],
            name_zh=data["name_zh"],
            name_en=data["name_en"],
            industry=data["industry"],
            district=data["district"],
            districts=list(data["districts"]),
            established=data["established"],
            founding_units=lines(data["founding_units"]),
            description=data["description"],
            labs=list(data["labs"]),
            convention={name: data[f"convention_{name}"] for name in CONVENTION_FIELDS},
            fund_year=data["fund_year"],
            fund_amount=data["fund_amount"],
            fund_source=data["fund_source"],
            fund_on=data["fund_on"],
            fund_document_number=data["fund_document_number"],
            administrators=lines(data["administrators"]),
        )

    def add_service_error(self, error):
        """The service's errors beside their fields; one about no field of this form on top."""
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


@role_required(may_onboard)
def onboard(request):
    form = OnboardingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            made = onboard_cooperative(actor=request.user, **form.service_values())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return redirect("onboarded", coop_slug=made.cooperative.slug)
    return render(request, "supervision/onboard.html", {"form": form})


@role_required(may_onboard)
def onboarded(request, coop_slug):
    """The new cooperative with what the onboarding made and what to do next."""
    cooperative = request.cooperative
    record = onboarding_record(cooperative)
    done = record.changes if record else {}
    with scope({cooperative.pk}):
        convention = Convention.objects.filter(cooperative=cooperative).order_by("version").first()
        appropriations = list(
            Appropriation.objects.filter(cooperative=cooperative).select_related("fund")
        )
        invitations = list(
            Invitation.objects.filter(cooperative=cooperative, role=Role.COOP_ADMIN).order_by(
                "email", "-created_at"
            )
        )
        schedules = list(schedules_of(cooperative))
    now = timezone.now()
    for schedule in schedules:
        schedule.next_run = next_run(schedule, now)
        schedule.timing = timing_in_words(schedule.periodic_task.crontab)
        schedule.does = does(schedule)
    return render(
        request,
        "supervision/onboarded.html",
        {
            "cooperative": cooperative,
            "record": record,
            "districts": cooperative.districts.all(),
            "labs": TestingInstitution.objects.filter(cooperatives=cooperative),
            "convention": convention,
            "appropriations": appropriations,
            "administrators": done.get("administrators", []),
            "invitations": invitations,
            "schedules": schedules,
        },
    )
