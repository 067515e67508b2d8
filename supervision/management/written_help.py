"""The help of the set-up commands (``set_up_region``, ``onboard_cooperative``): read by a
person at a server's shell who has not read the code, so it keeps its paragraphs and example
as written and puts the command's own option groups before Django's general ones."""

from argparse import RawDescriptionHelpFormatter

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter


class HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Django's order of options, with the description and epilog kept as written."""


class WrittenHelpCommand(BaseCommand):
    """A command whose ``help`` and ``epilog`` are printed as written, and whose refusals name
    the options that gave the refused values."""

    epilog = ""
    option_of = {}  # a service's field name -> the option that gives it, when not --field-name

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

    def refused(self, error):
        """The CommandError for a service's ValidationError: each broken rule under its option."""
        lines = [
            f"{self.option_of.get(name, '--' + name.replace('_', '-'))}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
        return CommandError("Nothing was written.\n" + "\n".join(lines))
