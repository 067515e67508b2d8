from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from supervision import demo


class Command(BaseCommand):
    help = "Build the demo region, cooperatives, members and accounts (idempotent; demo only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--members",
            type=int,
            default=demo.HAIMEN_DEFAULT_MEMBERS,
            help="How many members the Haimen home-textile cooperative gets (default %(default)s).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (a staging site)."
        )

    def handle(self, *args, members, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production, where demo accounts with a known "
                "password must not exist. Pass --force to seed anyway."
            )
        if members < 0:
            raise CommandError("--members must be 0 or more.")
        demo.seed(haimen_members=members, log=self.stdout.write)
