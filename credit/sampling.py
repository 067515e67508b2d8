"""What credit tells the testing fund's sampling rounds: its risk sources (``testing_fund/risk.py``),
registered in ``CreditConfig.ready()``. A member with valid complaints or a low grade is more
likely to be drawn, and staff read why: the reasons are codes, and ``REASONS`` their templates,
registered with the testing fund's ``round_words`` so it says them without importing credit."""

from datetime import timedelta

from django.db.models import Count
from django.utils.translation import gettext_lazy

from coop.figures import grouped_by
from credit.models import Complaint
from credit.services.grading import current_grades
from testing_fund.round_words import reason

COMPLAINT_WEIGHT = 1  # per complaint found valid in the last year
GRADE_WEIGHT = {"B": 1, "C": 2, "D": 3}  # the current credit grade, when low

REASONS = {
    "valid_complaints": gettext_lazy("%(count)d valid complaint(s) in the last year"),
    "low_grade": gettext_lazy("credit grade %(grade)s"),
}


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
        member_id: [(COMPLAINT_WEIGHT * row["n"], reason("valid_complaints", count=row["n"]))]
        for member_id, row in complaints.items()
    }


def low_grade(cooperative_id, today):
    """The credit grade in force today, when it is low."""
    grades = current_grades(today).filter(cooperative_id=cooperative_id)
    return {
        member_id: [(GRADE_WEIGHT[grade], reason("low_grade", grade=grade))]
        for member_id, grade in grades.values_list("member_id", "grade")
        if grade in GRADE_WEIGHT
    }


RISK_SOURCES = [valid_complaints, low_grade]  # in this order, as staff read the reasons
