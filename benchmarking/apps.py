from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarkingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "benchmarking"
    verbose_name = _("benchmarking against advanced standards")

    def ready(self):
        # The workflows register on import; the member's record counts what the member has
        # here (members/programmes.py), linked to the list narrowed to it. The public list of
        # benchmarked products is cached (coop/public_cache.py): a change to a scheme, a
        # declaration or its claims throws the cached public pages away.
        from django.utils.translation import gettext_lazy

        from benchmarking.models import BenchmarkDeclaration
        from benchmarking.services import declarations, schemes  # noqa: F401
        from coop import public_cache
        from members import programmes

        public_cache.watch(*self.get_models())

        programmes.register(
            programmes.Programme(
                "benchmark_declarations",
                gettext_lazy("Benchmarking declarations"),
                lambda: BenchmarkDeclaration.objects.all(),
                "benchmark-declaration-list",
            )
        )
