from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from coop import xlsx
from credit.models import CreditGrade
from credit.services.grading import current_grades
from members import exports as member_exports

# Chinese headings: the list goes to banks' credit officers.
HEADINGS = ["成员单位", "统一社会信用代码", "信用等级", "得分", "有效期至"]


def lending_sheets(grades):
    """Members graded A or better that consented, for quality-based lending (质量贷): read
    500 at a time as the file is written."""
    rows = (
        [grade.member.name, grade.member.identifier, grade.grade, grade.score, grade.valid_until]
        for grade in grades.iterator(chunk_size=500)
    )
    return [("质量贷推荐名单", HEADINGS, rows)]


def lending_xlsx(grades):
    return xlsx.workbook(lending_sheets(grades))


def with_grade(members):
    """The members with their grade in force today (the one the public list shows) and the
    day it runs to, fetched in the members' own query."""
    grade = current_grades().filter(member=OuterRef("pk"))
    return members.annotate(
        credit_grade=Subquery(grade.values("grade")[:1]),
        credit_grade_valid_until=Subquery(grade.values("valid_until")[:1]),
    )


def grade_values(member):
    code = member.credit_grade
    return [
        str(CreditGrade.Grade(code).label) if code else None,
        member.credit_grade_valid_until,
    ]


# The members' export (members/exports.py) takes these columns; credit registers them in its
# AppConfig.ready(), since members cannot import credit.
MEMBER_GRADE = member_exports.Columns(
    headings=[_("Credit grade"), _("Grade valid until")],
    annotate=with_grade,
    values=grade_values,
)
