from django import forms

from members.models import Member
from members.services import EDITABLE_FIELDS


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = list(EDITABLE_FIELDS)
