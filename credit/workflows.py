"""The credit app's workflows, for the registry (``coop.workflow.REGISTRY``) that coop loads at
start. Each is declared at the bottom of the service module that holds its steps' bodies."""

from credit.services.assessments import ASSESSMENT, ASSESSMENT_OBJECTION
from credit.services.commitments import COMMITMENT
from credit.services.complaints import COMPLAINT
from credit.services.enforcement import EXIT_PROPOSAL, ORDER
from credit.services.grading import GRADE

__all__ = [
    "ASSESSMENT",
    "ASSESSMENT_OBJECTION",
    "COMMITMENT",
    "COMPLAINT",
    "EXIT_PROPOSAL",
    "GRADE",
    "ORDER",
]
