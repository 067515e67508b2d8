"""The labs page of region supervisors: every lab on the portal with the cooperatives of the
supervisor's region it serves, and a form to add one before onboarding a cooperative
(``testing_fund/services/labs.py`` does the work)."""

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop.access import role_required
from coop.models import Cooperative
from coop.pages import page_of
from testing_fund.models import TestingInstitution
from testing_fund.services.labs import add_lab, may_add_lab


class LabForm(forms.ModelForm):
    class Meta:
        model = TestingInstitution
        fields = ["name_zh", "name_en", "accreditation", "contact", "turnaround_days"]
        help_texts = {
            "name_zh": gettext_lazy("Its full name, e.g. 南通市纤维检验所."),
            "accreditation": gettext_lazy("Its CMA or CNAS accreditation number, e.g. CNAS L1234."),
            "contact": gettext_lazy("A telephone number or a person to call."),
        }


def labs_with_cooperatives(user):
    """Every lab, each with the cooperatives it serves that the user oversees (a supervisor:
    their region's; a superuser: all), in one query for the labs and one for the cooperatives."""
    cooperatives = Cooperative.objects.order_by("name_zh")
    if not user.is_superuser:
        cooperatives = cooperatives.filter(region_id=user.region_id)
    return TestingInstitution.objects.order_by("name_zh", "pk").prefetch_related(
        Prefetch("cooperatives", queryset=cooperatives, to_attr="served")
    )


@role_required(may_add_lab)
def labs(request):
    form = LabForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lab = add_lab(actor=request.user, **form.cleaned_data)
        except forms.ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is listed.") % {"name": lab.name_zh})
            return redirect("labs")
    return render(
        request,
        "supervision/labs.html",
        {"form": form, "page": page_of(request, labs_with_cooperatives(request.user))},
    )
