from django.db import migrations, models


def serve_the_seat(apps, schema_editor):
    """Each existing cooperative serves its seat's district (the rule: the seat is served)."""
    Cooperative = apps.get_model("coop", "Cooperative")
    Served = Cooperative.districts.through
    Served.objects.bulk_create(
        [
            Served(cooperative_id=pk, district_id=district_id)
            for pk, district_id in Cooperative.objects.values_list("pk", "district_id")
        ],
        ignore_conflicts=True,
    )


def forget_the_served(apps, schema_editor):
    # Going back drops the table; emptying it first keeps the step reversible on its own.
    Cooperative = apps.get_model("coop", "Cooperative")
    Cooperative.districts.through.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("coop", "0009_invitations_and_unit_owners"),
    ]

    operations = [
        migrations.AddField(
            model_name="cooperative",
            name="districts",
            field=models.ManyToManyField(
                help_text="The districts its members may lie in; the seat's district is always one.",
                related_name="served_by",
                to="coop.district",
                verbose_name="districts served",
            ),
        ),
        migrations.RunPython(serve_the_seat, forget_the_served),
    ]
