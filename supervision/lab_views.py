"""The labs page of region supervisors: every lab on the portal with the cooperatives of the
supervisor's region it serves, and a form to add one before onboarding a cooperative
(``testing_fund/services/labs.py`` does the work)."""

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop.access import role_required
from coop.models import Cooperative
from coop.pages import page_of
from standards.models import Indicator, Standard
from testing_fund.models import AccreditedMethod, TestingInstitution
from testing_fund.services.labs import (
    add_lab,
    add_scope_line,
    may_add_lab,
    may_keep_scope,
    remove_scope_line,
)


class LabForm(forms.ModelForm):
    class Meta:
        model = TestingInstitution
        fields = ["name_zh", "name_en", "accreditation", "contact", "address", "turnaround_days"]
        help_texts = {
            "address": gettext_lazy("Where it tests: its reports print it."),
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


def shared_standards():
    """The shared catalogue (national, industry, local): the method standards a scope names.
    Read outside any cooperative's scope on purpose: they belong to none."""
    return Standard._base_manager.filter(cooperative__isnull=True).order_by("code")


class ScopeLineForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=gettext_lazy("Indicator"), queryset=Indicator.objects.order_by("code")
    )
    method = forms.ModelChoiceField(
        label=gettext_lazy("Method standard"),
        queryset=Standard._base_manager.none(),
        required=False,
        help_text=gettext_lazy("Empty: the indicator's method in the catalogue."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].queryset = shared_standards()


def keepable_lab(user, pk):
    """The lab whose scope ``user`` keeps, or a 404: a supervisor of another region does not
    learn more of it than the labs page shows."""
    lab = get_object_or_404(TestingInstitution, pk=pk)
    if not may_keep_scope(user, lab):
        raise Http404
    return lab


@role_required(may_add_lab)
def lab_scope(request, pk):
    """A lab's accreditation scope: the indicators it is accredited to test and by which
    method; the CMA mark on its reports follows it, indicator by indicator."""
    lab = keepable_lab(request.user, pk)
    form = ScopeLineForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                line = get_object_or_404(
                    AccreditedMethod, pk=request.POST.get("line") or 0, institution=lab
                )
                remove_scope_line(actor=request.user, line=line)
                messages.success(request, _("The line is taken out of the scope."))
                return redirect("lab-scope", pk=lab.pk)
            if form.is_valid():
                add_scope_line(actor=request.user, lab=lab, **form.cleaned_data)
                messages.success(request, _("The line is added to the scope."))
                return redirect("lab-scope", pk=lab.pk)
        except forms.ValidationError as error:
            form.add_error(None, error)
    lines = AccreditedMethod.objects.filter(institution=lab).select_related("indicator", "method")
    return render(
        request,
        "supervision/lab_scope.html",
        {
            "lab": lab,
            "form": form,
            "page": page_of(request, lines.order_by("indicator__code", "pk")),
        },
    )
