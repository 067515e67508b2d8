"""The public FAQ (``GET /api/v1/public/faq/``): published entries of every cooperative, of
one (``?coop=``) or of a region (``?region=``), by topic, searchable (``?q=``). No login; never
the member who asked."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny

from consultation import selectors
from consultation.models import Question
from coop.models import Cooperative, Region


class FaqEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    cooperative = serializers.CharField(source="cooperative__slug")
    cooperative_name = serializers.CharField()
    topic = serializers.ChoiceField(Question.Topic.choices)
    topic_display = serializers.CharField(source="topic_label")
    question = serializers.CharField(source="faq_question")
    answer = serializers.CharField(source="faq_answer")
    published_at = serializers.DateTimeField()


@extend_schema(
    parameters=[
        OpenApiParameter("coop", str, description="One cooperative's entries (its slug)."),
        OpenApiParameter("region", str, description="One region's entries (its slug)."),
        OpenApiParameter("topic", str, enum=Question.Topic.values),
        OpenApiParameter("q", str, description="A word of the question or the answer."),
    ]
)
class PublicFaqList(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = FaqEntrySerializer

    def get_queryset(self):
        params = self.request.query_params
        found = {}
        unknown = {
            "coop": (Cooperative, _("No cooperative has this slug.")),
            "region": (Region, _("No region has this slug.")),
        }
        for name, (model, said) in unknown.items():
            slug = params.get(name, "")
            if slug:
                found[name] = model.objects.filter(slug=slug).first()
                if found[name] is None:
                    raise ValidationError({name: [said]})
        topic = params.get("topic", "")
        if topic and topic not in Question.Topic.values:
            raise ValidationError(
                {
                    "topic": [
                        _("Choose one of: %(topics)s.")
                        % {"topics": ", ".join(Question.Topic.values)}
                    ]
                }
            )
        return selectors.faq_entries(
            cooperative=found.get("coop"),
            region=found.get("region"),
            topic=topic,
            text=params.get("q", ""),
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else selectors.labelled(page)
