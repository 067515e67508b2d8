"""Declared steps: every status change of every workflow, declared once.

A workflow is a model with a state field (``status``) and a table of steps. A step names the
states it starts from, the state it leads to, who takes it (``coop.roles.Party``), what it asks
for (fields of the workflow's input serializer) and its body, the service code that does the
work under the lock. From that one declaration come:

- ``Workflow.take``: lock the row, check who and the state (a refusal names the step, the state
  and the states that allow it), run the body, move the state, record one ``StepEvent``;
- ``Workflow.due_for``: the rows with a step due for a user, as one database query (inboxes,
  worklists and bulk steps read it);
- ``Workflow.due_steps``: the steps a user may take on one row now (the page's forms);
- the API's ``POST …/<id>/<verb>/`` (``coop.workflow_api.StepActions``) and the page's forms
  (``coop.pages.step_forms`` and ``templates/includes/steps.html``).

Why not django-fsm: its transitions are methods on the model that set a field and leave the
lock, the refusal message, the audit event and the queryset of due rows to each caller, which is
what this project had three copies of. What is needed fits in this module.
"""

import datetime
from dataclasses import dataclass, field

from django.core.files.base import File
from django.db import models, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop import periods, reasons
from coop.errors import Refused
from coop.models import StepEvent
from coop.roles import Party, is_administrator, is_enterprise, is_lab

ANY = None  # a step that starts from any state (an override of a grade)


@dataclass(frozen=True)
class Step:
    """One step of a workflow.

    ``name`` is the verb in URLs and the event's type; ``action`` says it in a sentence
    ("approve", for "Cannot approve a batch that is …"); ``label`` is its button.
    ``sources`` are the states it starts from (``ANY``: every state; empty: never taken, only
    recorded, like an application that creates the row). ``target`` is the state it leads to:
    one state, a frozenset of states of which the body chooses one (a decision upheld or
    dismissed), or ``None`` to leave the state as it is (a notice sent). ``when`` is a further
    condition on the row as a query, checked under the lock and kept in ``due_for``;
    ``when_refused`` is said when it does not hold (when callable, what it says of the locked
    row: a condition of several parts says which one failed). ``body(row, actor=…, **fields)``
    runs under the lock after the checks; it may change the row's fields (they are saved with
    the state) and return what it made. ``reason`` names the field recorded as the event's reason.
    """

    name: str
    label: str
    action: str
    sources: frozenset | None
    target: object
    who: frozenset
    body: object = None
    fields: tuple = ()
    required: tuple = ()  # fields the form marks required (the body still checks them)
    reason: str = "reason"
    when: Q | None = None
    when_refused: object = ""  # a text, or a function of the locked row giving one
    destructive: bool = False  # cannot be undone: a danger button and, on pages, "I understand"
    consequence: object = None  # function of the row: what taking it will do, said before
    template: str = ""  # a fragment for fields the generic form cannot draw (readings)
    done: str = ""  # what the history says once it is taken ("approved"); the label if empty

    def starts_from(self, state):
        return self.sources is ANY or state in self.sources

    @property
    def takeable(self):
        return self.sources is ANY or bool(self.sources)


def step(name, label, action, sources, target, who, body=None, **options):
    """A ``Step``, with ``sources`` and ``who`` given as any iterable (or ``ANY``)."""
    if isinstance(who, Party):
        who = (who,)
    if isinstance(target, (set, list, tuple)):
        target = frozenset(target)
    sources = ANY if sources is ANY else frozenset(sources)
    return Step(name, label, action, sources, target, frozenset(who), body, **options)


REGISTRY = {}


@dataclass
class Workflow:
    """The steps of one model. ``member_path`` and ``lab_path`` say how a row reaches the member
    unit and the lab that take its ``Party.MEMBER`` and ``Party.LAB`` steps."""

    name: str
    model: type
    noun: str
    steps: list
    input: type = None  # a DRF serializer class with every field the steps ask for
    state_field: str = "status"
    member_path: str = "member"
    lab_path: str = ""
    related: tuple = ()  # select_related when a row is locked
    by_name: dict = field(init=False)

    def __post_init__(self):
        self.by_name = {s.name: s for s in self.steps}
        if self.name in REGISTRY:
            raise ValueError(f"Two workflows are named {self.name}.")
        REGISTRY[self.name] = self

    # What a user may do

    def step(self, verb):
        """The takeable step called ``verb``, or None."""
        found = self.by_name.get(verb)
        return found if found is not None and found.takeable else None

    def member_id_of(self, row):
        return self._follow(row, self.member_path)

    def lab_id_of(self, row):
        return self._follow(row, self.lab_path) if self.lab_path else None

    @staticmethod
    def _follow(row, path):
        *hops, last = path.split("__")
        for hop in hops:
            row = getattr(row, hop)
        return getattr(row, f"{last}_id")

    def may(self, user, step, row):
        """Whether ``user`` is one of those who take ``step`` on ``row``."""
        for party in step.who:
            if party == Party.ADMINISTRATOR and is_administrator(user):
                return True
            if party == Party.MEMBER and is_enterprise(user):
                if user.member_id == self.member_id_of(row):
                    return True
            if party == Party.LAB and is_lab(user) and self.lab_path:
                if user.institution_id == self.lab_id_of(row):
                    return True
        return False

    def _party_filter(self, user, who):
        """The rows on which ``user`` is one of ``who``, as a Q; None when on none."""
        found = None
        for party in who:
            if party == Party.ADMINISTRATOR and is_administrator(user):
                q = Q()
            elif party == Party.MEMBER and is_enterprise(user) and user.member_id:
                q = Q(**{self.member_path: user.member_id})
            elif party == Party.LAB and is_lab(user) and self.lab_path and user.institution_id:
                q = Q(**{self.lab_path: user.institution_id})
            else:
                continue
            found = q if found is None else found | q
        return found

    def _step_filter(self, user, step):
        parties = self._party_filter(user, step.who)
        if parties is None or not step.takeable:
            return None
        q = parties
        if step.sources is not ANY:
            q &= Q(**{f"{self.state_field}__in": sorted(step.sources)})
        if step.when is not None:
            q &= step.when
        return q

    def due_for(self, user, rows=None, verbs=None):
        """The rows (of ``rows``, by default all in scope) with a step due for ``user``: one
        query, built from the declarations. ``verbs`` narrows it to some steps."""
        rows = self.model.objects.all() if rows is None else rows
        wanted = None
        for each in self.steps:
            if verbs is not None and each.name not in verbs:
                continue
            q = self._step_filter(user, each)
            if q is not None:
                wanted = q if wanted is None else wanted | q
        return rows.none() if wanted is None else rows.filter(wanted)

    def due_steps(self, user, row):
        """The steps ``user`` may take on ``row`` now, in declared order: no query unless a
        step has a ``when``, then one."""
        state = getattr(row, self.state_field)
        candidates = [
            s for s in self.steps if s.takeable and s.starts_from(state) and self.may(user, s, row)
        ]
        conditional = {f"due_{i}": s.when for i, s in enumerate(candidates) if s.when is not None}
        if conditional:
            held = (
                self.model.objects.filter(pk=row.pk)
                .annotate(
                    **{
                        key: ExpressionWrapper(when, output_field=BooleanField())
                        for key, when in conditional.items()
                    }
                )
                .values(*conditional)
                .first()
                or {}
            )
            candidates = [
                s for i, s in enumerate(candidates) if s.when is None or held.get(f"due_{i}")
            ]
        return candidates

    # Taking a step

    def state_label(self, state):
        if state in (None, ""):
            return "—"
        choices = dict(self.model._meta.get_field(self.state_field).flatchoices)
        return str(choices.get(state, state))

    def refuse_state(self, step, state):
        allowed = _(" or ").join(self.state_label(s) for s in sorted(step.sources))
        raise Refused(
            _("Cannot %(action)s %(noun)s that is %(status)s: only one that is %(allowed)s.")
            % {
                "action": step.action,
                "noun": self.noun,
                "status": self.state_label(state),
                "allowed": allowed,
            }
        )

    def lock(self, row):
        rows = self.model.objects.select_for_update(of=("self",))
        if self.related:
            rows = rows.select_related(*self.related)
        return rows.get(pk=row.pk)

    def take(self, verb, row, *, actor, check_who=True, **given):
        """Take the step ``verb`` on ``row`` as ``actor``, with the fields it asks for.

        Atomic: the row is locked; a refusal (``Refused``) or a broken rule (``ValidationError``)
        leaves everything as it was. ``check_who=False`` is for services and tasks that take a
        step on the portal's own account (an exit accepted, a result made final)."""
        chosen = self.step(verb)
        if chosen is None:
            raise Refused(_("There is no step “%(step)s” here.") % {"step": verb})
        # A date the step asks for (a decision, a deadline) lies in the portal's range, checked
        # before anything is locked or written.
        periods.check_dates(**{name: given[name] for name in chosen.fields if name in given})
        with transaction.atomic():
            locked = self.lock(row)
            if check_who and not (actor is not None and self.may(actor, chosen, locked)):
                raise Refused(
                    _("Only %(who)s may %(action)s %(noun)s.")
                    % {
                        "who": _(" or ").join(str(Party(p).label) for p in sorted(chosen.who)),
                        "action": chosen.action,
                        "noun": self.noun,
                    }
                )
            before = getattr(locked, self.state_field)
            if not chosen.starts_from(before):
                self.refuse_state(chosen, before)
            if chosen.when is not None:
                if not self.model.objects.filter(pk=locked.pk).filter(chosen.when).exists():
                    refusal = chosen.when_refused
                    if callable(refusal):
                        refusal = refusal(locked)
                    raise Refused(refusal or _("This step is not due now."))
            fields = {name: given[name] for name in chosen.fields if name in given}
            snapshot = self._values(locked)
            made = chosen.body(locked, actor=actor, **fields) if chosen.body else locked
            self._move(locked, chosen, snapshot)
            after_row = made if isinstance(made, self.model) else locked
            given_reason = given.get(chosen.reason, "") or ""
            details = self._details(chosen, fields)
            if isinstance(given_reason, reasons.Coded):
                # The portal's own reason: its code, put in words when the history is read.
                details["reason_code"] = given_reason.code
                given_reason = ""
            self.record(
                after_row,
                chosen.name,
                actor=actor,
                from_state=before,
                reason=str(given_reason).strip(),
                details=details,
            )
            return locked if made is None else made

    @staticmethod
    def _values(row):
        return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}

    def _move(self, row, chosen, snapshot):
        target = chosen.target
        if isinstance(target, frozenset):
            if getattr(row, self.state_field) not in target:
                raise RuntimeError(f"{self.name}.{chosen.name} left the row outside its targets")
        elif target is not None:
            setattr(row, self.state_field, target)
        changed = [name for name, value in snapshot.items() if getattr(row, name) != value]
        if changed:
            row.save(update_fields=[self.model._meta.get_field(n).name for n in changed])

    @staticmethod
    def _details(chosen, fields):
        details = {}
        for name, value in fields.items():
            if name == chosen.reason:
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, list) and value and isinstance(value[0], File):
                value = [each.name for each in value]  # files attached: their names
            elif isinstance(value, models.Model):
                value = value.pk
            if isinstance(value, (str, int, float, bool, dict, list)) or value is None:
                details[name] = value
        return details

    def record(self, row, verb, *, actor, from_state="", reason="", details=None, at=None):
        """Record the event of step ``verb`` on ``row`` (already moved). Services call it for
        steps that make the row (an application), which ``take`` cannot lock."""
        if verb not in self.by_name:
            raise ValueError(f"{verb} is not a step of {self.name}")
        event = StepEvent(
            cooperative_id=row.cooperative_id,
            workflow=self.name,
            object_id=row.pk,
            step=verb,
            from_status=from_state or "",
            to_status=getattr(row, self.state_field) or "",
            actor=actor if actor is not None and actor.is_authenticated else None,
            reason=reason,
            details=details or {},
        )
        if at is not None:
            event.at = at
        event.save()
        return event

    def event(self, row, verb, *, actor, from_state="", reason="", details=None, at=None):
        """An unsaved event, for bulk_create by demo data and imports."""
        if verb not in self.by_name:
            raise ValueError(f"{verb} is not a step of {self.name}")
        return StepEvent(
            cooperative_id=row.cooperative_id,
            workflow=self.name,
            object_id=row.pk,
            step=verb,
            from_status=from_state or "",
            to_status=getattr(row, self.state_field) or "",
            actor=actor if actor is not None and actor.is_authenticated else None,
            reason=reason,
            details=details or {},
            **({"at": at} if at is not None else {}),
        )

    def history(self, row):
        """The row's events, oldest first, with their actors."""
        return (
            StepEvent.objects.filter(workflow=self.name, object_id=row.pk)
            .select_related("actor")
            .order_by("at", "id")
        )

    @cached_property
    def labels(self):
        return {s.name: s.label for s in self.steps}


def describe(event):
    """What an event says on a page: the step's label, from its workflow's declaration."""
    workflow = REGISTRY.get(event.workflow)
    declared = workflow.by_name.get(event.step) if workflow else None
    if declared is None:
        return event.step
    return str(declared.done or declared.label)


__all__ = ["ANY", "Party", "Step", "Workflow", "describe", "gettext_lazy", "step"]
