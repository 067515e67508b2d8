# A result keeps its verdict's sentence as a code and parameters, written in the reader's
# language when read (standards.verdicts.explain), no longer as text in the language of the lab
# user who entered it. Every judged result is judged again here, with its batch's standard and
# category, to find its code; a row keeps its text, and no code, when that judgement does not
# give back its very sentence in one of the portal's languages (a limit, the indicator's name or
# a label changed since): it then reads as it always did.

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import migrations, models
from django.utils import translation

from standards.verdicts import judge, read

BATCH_SIZE = 2000


class Named:
    """A migration's indicator with ``name`` in the active language, as BilingualName has."""

    def __init__(self, indicator):
        self.indicator = indicator

    def __getattr__(self, attribute):
        return getattr(self.indicator, attribute)

    @property
    def name(self):
        english = (translation.get_language() or "").startswith("en")
        return (english and self.indicator.name_en) or self.indicator.name_zh


def judged_again(indicator, limits, standard_code, category, raw):
    """(code, params, {the sentence in each language}), or None when it cannot be judged."""
    own = [limit for limit in limits if limit.category in (category, "")]
    if not own:
        return None
    own.sort(key=lambda limit: limit.category == "")  # the category's own first
    try:
        # The row was read once: a negative number was allowed then.
        value = read(indicator, raw, negative=True)
        verdict = judge(indicator, own[0], standard_code, category, value)
    except ValidationError:
        return None
    sentences = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            sentences.add(verdict.explanation)
    return verdict.result, verdict.code, verdict.params, sentences


def give_codes(apps, schema_editor):
    Result = apps.get_model("testing_fund", "Result")
    Limit = apps.get_model("standards", "Limit")
    limits = {}
    for limit in Limit.objects.all():
        limits.setdefault((limit.standard_id, limit.indicator_id), []).append(limit)
    indicators, judgements, filled = {}, {}, []
    rows = (
        Result.objects.filter(explanation_code="")
        .exclude(raw="")
        .exclude(explanation="")
        .select_related("indicator", "batch__standard")
    )
    for result in rows.iterator(chunk_size=BATCH_SIZE):
        batch = result.batch
        key = (batch.standard_id, result.indicator_id, batch.safety_category, result.raw)
        if key not in judgements:
            indicator = indicators.setdefault(result.indicator_id, Named(result.indicator))
            judgements[key] = judged_again(
                indicator,
                limits.get((batch.standard_id, result.indicator_id), []),
                batch.standard.code,
                batch.safety_category,
                result.raw,
            )
        judgement = judgements[key]
        if judgement is None:
            continue
        verdict, code, params, sentences = judgement
        if verdict != result.verdict or result.explanation not in sentences:
            continue
        result.explanation_code, result.explanation_params = code, params
        filled.append(result)
        if len(filled) >= BATCH_SIZE:
            Result.objects.bulk_update(filled, ["explanation_code", "explanation_params"])
            filled = []
    Result.objects.bulk_update(filled, ["explanation_code", "explanation_params"])


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0006_alter_collectionentry_options"),
        ("testing_fund", "0016_lab_turnaround_and_batch_received_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="result",
            name="explanation_code",
            field=models.CharField(
                blank=True, db_default="", max_length=40, verbose_name="explanation code"
            ),
        ),
        migrations.AddField(
            model_name="result",
            name="explanation_params",
            field=models.JSONField(
                blank=True, db_default={}, default=dict, verbose_name="explanation parameters"
            ),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
    ]
