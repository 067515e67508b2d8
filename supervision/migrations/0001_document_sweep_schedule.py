"""The sweep that issues documents whose task was lost (``supervision.tasks``), every ten
minutes, kept in django-celery-beat's tables so staff can move or pause it in the admin. Ten
minutes: a member waiting for a report whose task failed has it soon after, and a sweep that
finds nothing costs four queries per cooperative."""

from django.db import migrations

TASK = "supervision.tasks.issue_missing_documents_everywhere"
NAME = "Issue missing documents"


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = interval_model.objects.get_or_create(every=10, period="minutes")
    task_model.objects.get_or_create(name=NAME, defaults={"task": TASK, "interval": every})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(schedule, unschedule)]
