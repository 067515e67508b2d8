"""The help of the set-up commands (``set_up_region``, ``onboard_cooperative``): read by a
person at a server's shell who has not read the code, so it keeps its paragraphs and example
as written and puts the command's own option groups before Django's general ones."""

from argparse import RawDescriptionHelpFormatter

from django.core.management.base import BaseCommand, DjangoHelpFormatter


class HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Django's order of options, with the description and epilog kept as written."""


class WrittenHelpCommand(BaseCommand):
    """A command whose ``help`` and ``epilog`` are printed as written."""

    epilog = ""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(
            prog_name, subcommand, formatter_class=HelpFormatter, epilog=self.epilog, **kwargs
        )
        # Django's own options (verbosity, settings …) after the command's groups.
        general = [group for group in parser._action_groups if group.title == "options"]
        for group in general:
            parser._action_groups.remove(group)
            parser._action_groups.append(group)
            group.title = "general options"
        return parser
