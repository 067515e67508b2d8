"""The sweep that computes the kept dashboard figures a write or a new day made stale
(``supervision.kept_figures``), every five minutes, kept in django-celery-beat's tables like
the document sweep (0001). Five minutes: a page that finds a stale row computes it itself, so
the sweep only spares readers that cost; a sweep that finds nothing costs two queries."""

from django.db import migrations

TASK = "supervision.tasks.refresh_kept_figures"
NAME = "Refresh kept dashboard figures"


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = interval_model.objects.get_or_create(every=5, period="minutes")
    task_model.objects.get_or_create(name=NAME, defaults={"task": TASK, "interval": every})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0003_cooperative_figures"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
