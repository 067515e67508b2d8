from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consultation.models import Question
from members.models import Member


class QuestionForm(forms.ModelForm):
    """The ask form: a member asks for itself; an administrator picks the member and says the
    question came by phone."""

    class Meta:
        model = Question
        fields = ["by_phone", "topic", "subject", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, for_staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_staff:
            # Made here, not declared: members are read in the request's scope only.
            self.fields["member"] = forms.ModelChoiceField(
                Member.objects.filter(status=Member.Status.ACTIVE).order_by("name"),
                label=_("member unit"),
            )
            self.order_fields(["member"])
            self.fields["by_phone"].initial = True
        else:
            del self.fields["by_phone"]
        self.fields["topic"].choices = Question.Topic.choices  # no empty "---------"
        self.fields["text"].help_text = _(
            "The line answers within 24 hours. Say the product, the standard or the test, and "
            "what you want to know."
        )


class FaqSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    topic = forms.ChoiceField(
        label=pgettext_lazy("consultation", "topic"),
        required=False,
        choices=[("", _("all"))] + Question.Topic.choices,
    )
