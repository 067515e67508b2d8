"""The consultation app's workflow, for the registry (``coop.workflow.REGISTRY``) that coop
loads at start; declared at the bottom of the service module that holds its steps' bodies."""

from consultation.services import QUESTION

__all__ = ["QUESTION"]
