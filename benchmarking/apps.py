from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarkingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "benchmarking"
    verbose_name = _("benchmarking against advanced standards")

    def ready(self):
        # The workflows register on import; the member's record counts what the member has
        # here (members/programmes.py), linked to the list narrowed to it.
        from django.utils.translation import gettext_lazy

        from benchmarking.models import BenchmarkDeclaration
        from benchmarking.services import declarations, schemes  # noqa: F401
        from members import programmes

        programmes.register(
            programmes.Programme(
                "benchmark_declarations",
                gettext_lazy("Benchmarking declarations"),
                lambda: BenchmarkDeclaration.objects.all(),
                "benchmark-declaration-list",
            )
        )
