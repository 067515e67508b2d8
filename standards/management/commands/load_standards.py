from django.core.management.base import BaseCommand

from standards import catalogue


class Command(BaseCommand):
    help = "Load the national standards catalogue, indicators and GB 18401 limits (idempotent)."

    def handle(self, *args, **options):
        standards, indicators = catalogue.load()
        self.stdout.write(f"{standards} standards and {indicators} indicators in the catalogue.")
