from django import forms
from django.utils.translation import gettext_lazy as _

from standards.models import Limit, ProductCategory, ProductDeclaration


class DeclarationForm(forms.ModelForm):
    standards = forms.ModelMultipleChoiceField(
        queryset=None, label=_("standards executed"), widget=forms.SelectMultiple(attrs={"size": 8})
    )

    class Meta:
        model = ProductDeclaration
        fields = ["product", "category", "safety_category"]

    def __init__(self, *args, standards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ProductCategory.objects.all()
        self.fields["safety_category"].choices = Limit.Category.choices
        self.fields["standards"].queryset = standards
