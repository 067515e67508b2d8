"""The brands app's workflows, for the registry (``coop.workflow.REGISTRY``) that coop loads at
start. Each is declared at the bottom of the service module that holds its steps' bodies."""

from brands.services.design_reviews import DESIGN_REVIEW
from brands.services.infringements import INFRINGEMENT

__all__ = ["DESIGN_REVIEW", "INFRINGEMENT"]
