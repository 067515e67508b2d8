"""The testing fund's workflows, for the registry (``coop.workflow.REGISTRY``) that coop loads
at start: batches, rectifications and objections to a test report, declared at the bottom of
``services/batches.py`` beside their steps' bodies."""

from testing_fund.services.batches import BATCH, RECTIFICATION, REPORT_OBJECTION

__all__ = ["BATCH", "RECTIFICATION", "REPORT_OBJECTION"]
