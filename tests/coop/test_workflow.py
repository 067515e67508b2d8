"""The declared steps as a whole: every model with a state has one declaration, every recorded
event names a declared step, and every workflow's "due for this user" is one query."""

import pytest
from django.apps import apps
from django.db import models

from coop.models import StepEvent
from coop.roles import Party
from coop.tenancy import scope
from coop.workflow import ANY, REGISTRY

# Models whose state field is not moved by workflow steps, with the reason.
NOT_WORKFLOWS = {
    # Preview → confirmed is one service of the round that makes its batches; nobody else acts.
    "testing_fund.SamplingRound": "a round is confirmed once by its service",
    # Checked → applied: the import's own service applies the file.
    "members.MemberImport": "an import is applied once by its service",
    # Issued → revoked or superseded by the document pipeline, with the reason stored.
    "coop.Document": "documents are revoked by coop.documents",
    # Queued → ready or failed: the progress of a task, not a decision.
    "coop.AnnualReport": "the progress of a task",
}
STATE_FIELDS = ("status", "decision")


def state_field(model):
    for name in STATE_FIELDS:
        try:
            field = model._meta.get_field(name)
        except Exception:
            continue
        if isinstance(field, models.CharField) and field.choices:
            return name
    return None


def test_every_model_with_a_state_is_one_declared_workflow():
    declared = {}
    for workflow in REGISTRY.values():
        declared.setdefault(workflow.model._meta.label, []).append(workflow.name)
    missing = []
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.abstract or label in NOT_WORKFLOWS or state_field(model) is None:
            continue
        if label not in declared:
            missing.append(label)
    assert missing == [], f"models with a state but no workflow: {missing}"
    twice = {label: names for label, names in declared.items() if len(names) > 1}
    assert twice == {}, f"models declared by more than one workflow: {twice}"


def test_every_step_is_declared_whole():
    for workflow in REGISTRY.values():
        states = set(workflow.model._meta.get_field(workflow.state_field).flatchoices)
        state_values = {value for value, _label in states}
        fields = set(workflow.input().fields) if workflow.input else set()
        for step in workflow.steps:
            where = f"{workflow.name}.{step.name}"
            assert step.label and step.action, where
            assert step.who <= set(Party.values), where
            if step.sources is not ANY:
                assert set(step.sources) <= state_values, where
            targets = step.target if isinstance(step.target, frozenset) else {step.target}
            assert targets - {None} <= state_values, where
            assert set(step.fields) <= fields, f"{where} asks for fields its input lacks"
            if step.takeable:
                assert step.who, f"{where} is takeable by nobody"


@pytest.mark.django_db
def test_recorded_events_name_declared_steps(coop_a):
    """Steps taken by the fixtures and services record only declared names."""
    with scope({coop_a.cooperative.pk}):
        for event in StepEvent.objects.all():
            assert event.step in REGISTRY[event.workflow].by_name


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_due_for_is_one_query_for_every_role(name, coop_a, coop_b, django_assert_max_num_queries):
    """One query at most: none at all for a role that takes no step of the workflow."""
    workflow = REGISTRY[name]
    with scope({coop_a.cooperative.pk}):
        for user in [*coop_a.users().values(), coop_b.admin, coop_b.enterprise]:
            with django_assert_max_num_queries(1):
                list(workflow.due_for(user))
