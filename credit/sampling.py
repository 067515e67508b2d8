"""What credit tells the testing fund's sampling rounds: its risk sources (``testing_fund/risk.py``),
registered in ``CreditConfig.ready()``. A member with valid complaints or a low grade is more
likely to be drawn, and staff read why."""

from datetime import timedelta

from django.db.models import Count
from django.utils.translation import gettext as _

from coop.figures import grouped_by
from credit.models import Complaint
from credit.services.grading import current_grades

COMPLAINT_WEIGHT = 1  # per complaint found valid in the last year
GRADE_WEIGHT = {"B": 1, "C": 2, "D": 3}  # the current credit grade, when low


def valid_complaints(cooperative_id, today):
    """Complaints found valid in the last year."""
    complaints = grouped_by(
        Complaint.objects.filter(
            cooperative_id=cooperative_id,
            triage=Complaint.Triage.VALID,
            received_at__date__gte=today - timedelta(days=365),
        ),
        "member",
        n=Count("pk"),
    )
    return {
        member_id: [
            (
                COMPLAINT_WEIGHT * row["n"],
                _("%(count)d valid complaint(s) in the last year") % {"count": row["n"]},
            )
        ]
        for member_id, row in complaints.items()
    }


def low_grade(cooperative_id, today):
    """The credit grade in force today, when it is low."""
    grades = current_grades(today).filter(cooperative_id=cooperative_id)
    return {
        member_id: [(GRADE_WEIGHT[grade], _("credit grade %(grade)s") % {"grade": grade})]
        for member_id, grade in grades.values_list("member_id", "grade")
        if grade in GRADE_WEIGHT
    }


RISK_SOURCES = [valid_complaints, low_grade]  # in this order, as staff read the reasons
