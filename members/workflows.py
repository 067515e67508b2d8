"""The members app's workflows, for the registry (``coop.workflow.REGISTRY``) that coop
loads at start: a member unit's lifecycle."""

from members.services.lifecycle import MEMBER

__all__ = ["MEMBER"]
