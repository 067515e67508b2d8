from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coop.pages import DATE_INPUT
from coop.periods import FormDateField
from members.models import Convention, Member, MemberProductCategory, QualityPerson
from members.services.members import EDITABLE_FIELDS, ENTERPRISE_EDITABLE_FIELDS

# standards' model, reached through Member's relation: members sits below standards (layers).
ProductCategory = Member._meta.get_field("product_categories").related_model


def industry_categories(cooperative):
    """The categories of the cooperative's industry: those its members already make and those
    sharing a standard with them (the catalogue ties a standard to its categories, so bedding
    brings towels, never rice). The cooperative's free-text industry names no category, hence
    this. A cooperative whose members name none yet is offered all. A unit's own categories are
    among those its members make, so an edit never hides one."""
    used = MemberProductCategory.objects.filter(cooperative=cooperative).values("category")
    if not used.exists():
        return ProductCategory.objects.all()
    return ProductCategory.objects.filter(
        Q(pk__in=used) | Q(standards__product_categories__in=used)
    ).distinct()


class LinesField(forms.CharField):
    """A list entered one item a line (shop links)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class MemberForm(forms.ModelForm):
    """Staff enter and edit a member unit."""

    shop_links = LinesField(
        label=_("shop links"), required=False, help_text=_("One address a line.")
    )

    categories = forms.ModelMultipleChoiceField(
        ProductCategory.objects.all(),
        required=False,
        label=_("product categories"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Member
        fields = list(EDITABLE_FIELDS)

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = cooperative.member_districts(
            keep=self.instance.district_id if self.instance.pk else None
        )
        self.fields["categories"].queryset = industry_categories(cooperative)
        if self.instance.pk:
            self.fields["categories"].initial = self.instance.product_categories.all()


class ContactForm(forms.ModelForm):
    """An enterprise keeps its own contact details up to date."""

    shop_links = LinesField(
        label=_("shop links"), required=False, help_text=_("One address a line.")
    )

    class Meta:
        model = Member
        fields = list(ENTERPRISE_EDITABLE_FIELDS)


class ApplicationForm(forms.ModelForm):
    """The public application: the unit and its contact email. No login name or password:
    the link mailed to the address sets up the account (members.services.accounts), so the
    form's answer never says whether a name or an address is known."""

    class Meta:
        model = Member
        # What staff may enter, less the shop links an applicant adds once it is a member.
        # The link in the chain staff place it in once admitted.
        fields = [
            f for f in EDITABLE_FIELDS if f not in ("ecommerce_seller", "shop_links", "chain_link")
        ]

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cooperative = cooperative
        self.fields["district"].queryset = cooperative.member_districts()
        email = self.fields["contact_email"]
        email.required = True
        email.help_text = _("We send the link to set up your account here; it is your login name.")


class AccountSetupForm(forms.Form):
    password = forms.CharField(label=_("password"), widget=forms.PasswordInput)
    password_again = forms.CharField(label=_("password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class SignatureForm(forms.Form):
    signer_name = forms.CharField(label=_("signer's name"), max_length=100)
    signer_position = forms.CharField(label=_("signer's position"), max_length=100)


class PaperSignatureForm(forms.Form):
    """Staff record a signature of the convention made on paper, with its scan."""

    signed_on = FormDateField(label=_("date signed"), widget=DATE_INPUT)
    version = forms.TypedChoiceField(label=_("version"), coerce=int)
    signer_name = forms.CharField(label=_("signer's name"), max_length=100)
    signer_position = forms.CharField(label=_("signer's position"), max_length=100)
    scan = forms.FileField(
        label=_("scan"), help_text=_("The signed paper: a PDF, JPG or PNG file of at most 5 MB.")
    )

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [(v, str(v)) for v in versions]
        if versions:
            self.fields["version"].initial = versions[0]


class ConventionForm(forms.ModelForm):
    class Meta:
        model = Convention
        fields = ["title", "text", *Convention.SECTIONS, "adopted_on"]
        widgets = {"adopted_on": DATE_INPUT}

    # Adopting leaves every member unsigned: the page asks first (not the API).
    confirm = forms.BooleanField(
        label=_("I understand"), error_messages={"required": _('Tick "I understand" to adopt.')}
    )


class QualityPersonForm(forms.ModelForm):
    class Meta:
        model = QualityPerson
        fields = ["role", "name", "position", "phone", "appointed_on", "qualification_certificate"]
        widgets = {"appointed_on": DATE_INPUT}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX or CSV file"))
