"""``manage.py set_up_region``: a bureau's start on an empty database (supervision/regions.py)."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from supervision.management.written_help import WrittenHelpCommand
from supervision.regions import set_up_region

DESCRIPTION = """\
Set up a region of a market-supervision bureau on a new (or existing) portal, in one
transaction: the region with its names and division code, its districts, the national
standards catalogue (as manage.py load_standards), the labs that test for its cooperatives,
and its region supervisors' accounts. Each supervisor without a password gets a one-time link
to choose one, mailed through the portal's mail settings and printed here, so that the
operator can pass it on when mail is not set up yet. The link works once and expires after
PASSWORD_RESET_TIMEOUT seconds (a day by default); run the command again for a fresh one.

A rerun with the same options changes nothing; with more districts, labs or supervisors it adds
them. If any value breaks a rule, nothing is written and every broken rule is listed under the
option that gave it. Then a supervisor logs in and onboards the region's cooperatives on
/coops/new/ (or with manage.py onboard_cooperative) and adds labs on /labs/.
"""

EPILOG = """\
example:
  manage.py set_up_region --slug nantong --division-code 320600 \\
      --name-zh 南通市 --name-en Nantong \\
      --district 320684:海门区:Haimen --district 320612:通州区:Tongzhou \\
      --lab "南通市纤维检验所:CNAS L1234" \\
      --supervisor zhang.wei@amr.nantong.gov.cn

exit status: 0 when set up; 1 with the refused options on standard error.
"""

OPTION_OF = {
    "slug": "--slug",
    "division_code": "--division-code",
    "name_zh": "--name-zh",
    "districts": "--district",
    "labs": "--lab",
    "supervisors": "--supervisor",
}


def a_district(text):
    """``CODE:名称[:English]`` as (code, name_zh, name_en); None when not of that form (read in
    ``handle``, not by argparse, so a bad one is named like the service's refusals, status 1)."""
    parts = text.split(":")
    if len(parts) not in (2, 3):
        return None
    code, name_zh, name_en = (parts + [""])[:3]
    return code, name_zh, name_en


def a_lab(text):
    name_zh, _colon, accreditation = text.partition(":")
    return name_zh, accreditation


class Command(WrittenHelpCommand):
    help = DESCRIPTION
    epilog = EPILOG
    option_of = OPTION_OF

    def add_arguments(self, parser):
        region = parser.add_argument_group("the region")
        region.add_argument(
            "--slug",
            required=True,
            help="its name in the portal, 2-50 lowercase letters, digits and hyphens "
            "(e.g. nantong); a rerun with the same slug updates the region",
        )
        region.add_argument(
            "--division-code",
            required=True,
            metavar="CODE",
            help="its six-digit administrative division code (GB/T 2260), e.g. 320600",
        )
        region.add_argument("--name-zh", required=True, metavar="NAME", help="name in Chinese")
        region.add_argument("--name-en", default="", metavar="NAME", help="name in English")
        region.add_argument(
            "--district",
            action="append",
            default=[],
            metavar="CODE:名称[:English]",
            help="a district (区/县/市) of the region: its six-digit code, which begins with the "
            "region's (320684 in 320600), its Chinese name and optionally its English one; "
            "repeat for each",
        )
        labs = parser.add_argument_group("labs")
        labs.add_argument(
            "--lab",
            action="append",
            default=[],
            type=a_lab,
            metavar="名称[:ACCREDITATION]",
            help="a testing institution by its Chinese name, optionally with its accreditation "
            "(CMA or CNAS number); repeat for each. Supervisors add more on /labs/",
        )
        people = parser.add_argument_group("supervisors")
        people.add_argument(
            "--supervisor",
            action="append",
            default=[],
            metavar="EMAIL",
            help="a region supervisor's email address, also the login name; the account gets "
            "no password but a mailed one-time link to choose one; repeat for each",
        )

    def handle(self, *args, **options):
        districts = [a_district(text) for text in options["district"]]
        malformed = [text for text, read in zip(options["district"], districts) if read is None]
        if malformed:
            raise CommandError(
                "Nothing was written.\n"
                + "\n".join(
                    f"--district: {text!r} is not CODE:名称 or CODE:名称:English"
                    for text in malformed
                )
            )
        try:
            done = set_up_region(
                slug=options["slug"],
                division_code=options["division_code"],
                name_zh=options["name_zh"],
                name_en=options["name_en"],
                districts=districts,
                labs=options["lab"],
                supervisors=options["supervisor"],
            )
        except ValidationError as error:
            raise self.refused(error) from None
        region = done.region
        verb = "Set up" if done.region_created else "Kept"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} region {region.slug} ({region.name_zh}, {region.division_code})."
            )
        )
        for district, created in done.districts:
            state = "added" if created else "kept"
            self.stdout.write(f"  district {district.division_code} {district.name_zh}: {state}")
        self.stdout.write("  standards catalogue: loaded")
        for lab, created in done.labs:
            state = "added" if created else "kept"
            self.stdout.write(f"  lab {lab.name_zh}: {state}")
        for link in done.supervisors:
            user = link.user
            state = "added" if link.created else "kept"
            if not link.url:
                self.stdout.write(f"  supervisor {user.username}: {state}, has a password")
                continue
            # None: the mail waits for an outer transaction's commit (a caller's, a test's).
            mailed = {True: "mailed", False: "NOT mailed (see the log)", None: "to be mailed"}[
                link.mailed
            ]
            self.stdout.write(
                f"  supervisor {user.username}: {state}; link to choose a password {mailed}, "
                f"works once:\n    {link.url}"
            )
