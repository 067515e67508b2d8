"""``manage.py onboard_cooperative``: the onboarding page's work for scripted set-ups."""

import json
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from coop.models import User
from supervision.management.written_help import WrittenHelpCommand
from supervision.onboarding import CONVENTION_FIELDS, CONVENTION_TEMPLATE, onboard_cooperative

DESCRIPTION = """\
Onboard a new quality cooperative in one transaction, as the region supervisor's page
(/coops/new/) and the API (POST /api/v1/coops/) do: the cooperative with its names, web name
(slug), certificate code, industry, region, the district of its seat and the other districts
it serves (its members may lie in any of them), founding units and the labs that serve it;
version 1 of its quality convention; its testing fund's first appropriation; an email
invitation to each administrator (a one-time link to set a password); and its scheduled jobs
(quarterly sampling round preview, half-yearly commitment assessment, monthly credit grading,
daily upkeep). If any value breaks a rule, nothing is written and every broken rule is listed
under the option that gave it.

The region, its districts and labs must exist already: manage.py set_up_region makes them
(labs may also be added on the supervisor's page /labs/).
"""

EPILOG = """\
convention file:
  A JSON object with the sections of the first convention: "title", "text" (the preamble,
  optional), "purpose", "principles", "duties", "member_conditions", "entry_exit_rules".
  Sections it leaves out are taken from the portal's model convention; without --convention
  the whole model convention is adopted (edit it later by adopting version 2).

example:
  manage.py onboard_cooperative --by bureau \\
      --slug rudong-seafood --code RDHC \\
      --name-zh 如东县海产品质量合作社 --name-en "Rudong Seafood Quality Cooperative" \\
      --industry 海产品加工 --district 320623 --served-district 320681 \\
      --established 2026-03-01 \\
      --founding-unit 如东县市场监督管理局 --founding-unit 如东县海产品商会 \\
      --lab 南通市纤维检验所 \\
      --fund-year 2026 --fund-amount 200000 --fund-source 如东县财政局 \\
      --admin admin@rudong-seafood.example.cn

exit status: 0 when onboarded; 1 with the refused options on standard error.
"""

# The service's field names as the options that give them.
OPTION_OF = {
    "labs": "--lab",
    "administrators": "--admin",
    "founding_units": "--founding-unit",
    "districts": "--served-district",
    "__all__": "onboarding",
    **{f"convention_{name}": f"--convention ({name})" for name in CONVENTION_FIELDS},
}


def a_date(text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2026-03-01") from None


class Command(WrittenHelpCommand):
    help = DESCRIPTION
    epilog = EPILOG
    option_of = OPTION_OF

    def add_arguments(self, parser):
        who = parser.add_argument_group("who onboards")
        who.add_argument(
            "--by",
            required=True,
            metavar="USERNAME",
            help="the region supervisor (or a superuser) who onboards it: recorded as its "
            "actor and as the inviter of its administrators",
        )
        coop = parser.add_argument_group("the cooperative")
        coop.add_argument(
            "--slug",
            required=True,
            help="web name in its addresses (/c/SLUG/): "
            "3-50 lowercase letters, digits and single hyphens; unique",
        )
        coop.add_argument(
            "--code",
            required=True,
            help="2-12 capital letters or digits that "
            "begin its certificate numbers, e.g. HMJF; unique",
        )
        coop.add_argument("--name-zh", required=True, metavar="NAME", help="name in Chinese")
        coop.add_argument("--name-en", default="", metavar="NAME", help="name in English")
        coop.add_argument("--industry", required=True, help="its industry, e.g. 家用纺织品")
        coop.add_argument(
            "--region",
            metavar="SLUG",
            help="the region's slug; by default the --by supervisor's own (a supervisor may "
            "onboard only into their own region)",
        )
        coop.add_argument(
            "--district",
            required=True,
            metavar="CODE",
            help="the six-digit division code of the district of its seat, in the region "
            "(e.g. 320623)",
        )
        coop.add_argument(
            "--served-district",
            action="append",
            default=[],
            metavar="CODE",
            help="the division code of another district it serves (its members may lie in "
            "any district it serves), in the region; repeat for each; the seat's district is "
            "served anyway",
        )
        coop.add_argument(
            "--established", type=a_date, metavar="YYYY-MM-DD", help="founding date; default today"
        )
        coop.add_argument(
            "--founding-unit",
            action="append",
            default=[],
            metavar="UNIT",
            help="a founding unit; repeat for each",
        )
        coop.add_argument("--description", default="", help="a sentence on what it does")
        coop.add_argument(
            "--lab",
            action="append",
            default=[],
            metavar="LAB",
            help="a testing institution that serves it, by id or Chinese name; repeat for each",
        )
        convention = parser.add_argument_group("the first convention")
        convention.add_argument(
            "--convention",
            type=Path,
            metavar="FILE.json",
            help="its sections as JSON (see below); the model convention by default",
        )
        convention.add_argument(
            "--convention-title", metavar="TITLE", help="its title (overrides the file's)"
        )
        fund = parser.add_argument_group("the testing fund's first appropriation")
        fund.add_argument(
            "--fund-year",
            type=int,
            metavar="YEAR",
            help="the fund's fiscal year; default this year",
        )
        fund.add_argument(
            "--fund-amount", required=True, metavar="YUAN", help="amount in yuan, e.g. 200000.00"
        )
        fund.add_argument(
            "--fund-source", required=True, metavar="SOURCE", help="who gives it, e.g. 海门区财政局"
        )
        fund.add_argument(
            "--fund-on", type=a_date, metavar="YYYY-MM-DD", help="its date; default today"
        )
        fund.add_argument(
            "--fund-document-number", default="", metavar="NUMBER", help="its document's number"
        )
        admins = parser.add_argument_group("administrators")
        admins.add_argument(
            "--admin",
            action="append",
            default=[],
            required=True,
            metavar="EMAIL",
            help="an administrator's email address, invited by mail; repeat for each",
        )

    def convention(self, options):
        sections = dict(CONVENTION_TEMPLATE)
        if options["convention"]:
            try:
                given = json.loads(options["convention"].read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(
                    f"--convention: cannot read {options['convention']}: {error}"
                ) from None
            if not isinstance(given, dict):
                raise CommandError("--convention: the file must hold a JSON object of sections")
            unknown = set(given) - set(CONVENTION_FIELDS)
            if unknown:
                raise CommandError(
                    f"--convention: unknown sections {sorted(unknown)}; "
                    f"the sections are {CONVENTION_FIELDS}"
                )
            sections |= {name: str(text) for name, text in given.items()}
        if options["convention_title"]:
            sections["title"] = options["convention_title"]
        return sections

    def handle(self, *args, **options):
        actor = User.objects.filter(username=options["by"], is_active=True).first()
        if actor is None:
            raise CommandError(f"--by: there is no active account {options['by']!r}")
        try:
            made = onboard_cooperative(
                actor=actor,
                region=options["region"],
                slug=options["slug"],
                code=options["code"],
                name_zh=options["name_zh"],
                name_en=options["name_en"],
                industry=options["industry"],
                district=options["district"],
                districts=options["served_district"],
                established=options["established"],
                founding_units=options["founding_unit"],
                description=options["description"],
                labs=options["lab"],
                convention=self.convention(options),
                fund_year=options["fund_year"],
                fund_amount=options["fund_amount"],
                fund_source=options["fund_source"],
                fund_on=options["fund_on"],
                fund_document_number=options["fund_document_number"],
                administrators=options["admin"],
            )
        except PermissionDenied as refusal:
            raise CommandError(f"--by: {refusal}") from None
        except ValidationError as error:
            raise self.refused(error) from None
        cooperative = made.cooperative
        self.stdout.write(
            self.style.SUCCESS(f"Onboarded {cooperative.slug} ({cooperative.name_zh}).")
        )
        served = ", ".join(
            f"{district.name_zh} ({district.division_code})"
            for district in cooperative.districts.all()
        )
        self.stdout.write(f"  districts served: {served}")
        self.stdout.write(f"  convention: version {made.convention.version}")
        self.stdout.write(
            f"  fund {made.appropriation.fund.year}: ¥{made.appropriation.amount} "
            f"from {made.appropriation.source}"
        )
        for invitation in made.invitations:
            self.stdout.write(
                f"  invited: {invitation.email} (until {invitation.expires_at:%Y-%m-%d %H:%M})"
            )
        for task in made.schedules:
            state = "" if task.enabled else " (paused)"
            self.stdout.write(f"  schedule: {task.name}{state}")
