"""What each appliance is doing: the state machine idle → scheduled → running → done.

Pure logic over the optimizer's dataclasses, no Home Assistant import, so every
transition is tested without a core. The planner keeps one
:class:`ApplianceRecord` per appliance in its Store and moves it forward with
:func:`follow` whenever time passes or a plan changes:

* a run of the plan that covers the present starts (scheduled → running);
* a block whose end has passed finishes; once nothing of its occurrence is left
  the occurrence is done, its realised cost goes into the savings ledger and it
  is never planned again (running → done);
* otherwise the nearest occurrence of the plan says whether the appliance is
  scheduled, blocked (with the reason) or idle.

An appliance without a control target is assumed to run as planned: a run
starts at its planned start and finishes at its planned end. One with a
target follows what its plug did instead: the actuator reports each real
start and stop (:func:`start_run`, :func:`stop_run`), and a person switching
the plug by hand starts or ends the occurrence's run. What has run is
committed: a fresh plan may change what an interruptible appliance does from
the next slot boundary on (:func:`adopt`), never what already ran, and a
running cycle stays in place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
import math
from typing import Any, Final, Literal

from .convert import from_iso, iso, optional_float, rounded
from .optimizer import (
    Appliance,
    AppliancePlan,
    ApplianceState,
    PlanIssue,
    PlannedRun,
    SavingsLedger,
    cycle_part,
    profile_cost,
    realised_costs,
)
from .optimizer.problem import START_GRACE
from .prices import PriceSeries

Status = Literal["idle", "scheduled", "running", "done", "blocked"]
STATUSES: Final[tuple[Status, ...]] = Status.__args__  # type: ignore[attr-defined]
# Who started the run under way: assumed from the plan, switched by the actuator, or by hand.
StartedBy = Literal["plan", "automatic", "manual"]
STARTED_BY: Final[tuple[StartedBy, ...]] = StartedBy.__args__  # type: ignore[attr-defined]

# An occurrence waiting for tomorrow's prices is not a problem to show as one.
WAITING: Final = "awaiting_prices"
HOUR: Final = timedelta(hours=1)
# Energy below this is float noise from slot arithmetic.
ENERGY_EPSILON: Final = 1e-6
# "Done until" of a one-off request that finished: every occurrence of it is done.
FOREVER: Final = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Outcome:
    """A finished occurrence: when it was due and what it cost at the prices paid."""

    due: datetime
    finished_at: datetime
    energy_kwh: float
    paid: float | None
    baseline: float | None

    @property
    def savings(self) -> float | None:
        """Return what running at the earliest moment would have cost more."""
        if self.paid is None or self.baseline is None:
            return None
        return self.baseline - self.paid

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form for the Store and attributes."""
        return {
            "due": self.due.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "energy_kwh": rounded(self.energy_kwh),
            "paid": rounded(self.paid),
            "baseline": rounded(self.baseline),
            "savings": rounded(self.savings),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Outcome:
        """Rebuild an outcome from :meth:`as_dict` output."""
        return cls(
            due=datetime.fromisoformat(data["due"]),
            finished_at=datetime.fromisoformat(data["finished_at"]),
            energy_kwh=float(data["energy_kwh"]),
            paid=optional_float(data.get("paid")),
            baseline=optional_float(data.get("baseline")),
        )


@dataclass(frozen=True, slots=True)
class ApplianceRecord:
    """Everything the planner must not forget about one appliance across restarts.

    ``due`` and ``window_start`` name the occurrence being run, ``finished`` its
    blocks that ran, ``current`` the block running now (its planned end).
    ``expected_cost``/``expected_savings`` are what the plan promised when the
    occurrence started. ``tracked_since`` bounds the baseline: an appliance
    added in the afternoon could not have run in that morning's window.
    ``started_by`` says who started ``current``: a run the actuator switched on
    ends when it reports the plug off, any other at its end.
    """

    tracked_since: datetime
    status: Status = "idle"
    issue: PlanIssue | None = None
    due: datetime | None = None
    window_start: datetime | None = None
    finished: tuple[PlannedRun, ...] = ()
    current: PlannedRun | None = None
    expected_cost: float | None = None
    expected_savings: float | None = None
    done_until: datetime | None = None
    last_outcome: Outcome | None = None
    ledger: SavingsLedger = field(default_factory=SavingsLedger)
    automatic_control: bool = True
    # The window of the one-off request that finished; a new window is a new request.
    finished_window: tuple[str | None, str | None] | None = None
    started_by: StartedBy = "plan"

    @property
    def delivered_kwh(self) -> float:
        """Return the energy of the blocks of this occurrence that finished."""
        return sum(run.energy_kwh for run in self.finished)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form for the Store."""
        return {
            "tracked_since": self.tracked_since.isoformat(),
            "status": self.status,
            "issue": None if self.issue is None else self.issue.as_dict(),
            "due": iso(self.due),
            "window_start": iso(self.window_start),
            "finished": [run.as_dict() for run in self.finished],
            "current": None if self.current is None else self.current.as_dict(),
            "expected_cost": self.expected_cost,
            "expected_savings": self.expected_savings,
            "done_until": iso(self.done_until),
            "last_outcome": None if self.last_outcome is None else self.last_outcome.as_dict(),
            "ledger": self.ledger.as_dict(),
            "automatic_control": self.automatic_control,
            "finished_window": (
                None if self.finished_window is None else list(self.finished_window)
            ),
            "started_by": self.started_by,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ApplianceRecord:
        """Rebuild a record from :meth:`as_dict` output."""
        status = data.get("status", "idle")
        started_by = data.get("started_by", "plan")
        if status not in STATUSES or started_by not in STARTED_BY:
            raise ValueError(f"unknown status {status!r} or starter {started_by!r}")
        return cls(
            tracked_since=datetime.fromisoformat(data["tracked_since"]),
            status=status,
            issue=None if data.get("issue") is None else PlanIssue.from_dict(data["issue"]),
            due=from_iso(data.get("due")),
            window_start=from_iso(data.get("window_start")),
            finished=tuple(PlannedRun.from_dict(run) for run in data.get("finished", ())),
            current=None if data.get("current") is None else PlannedRun.from_dict(data["current"]),
            expected_cost=optional_float(data.get("expected_cost")),
            expected_savings=optional_float(data.get("expected_savings")),
            done_until=from_iso(data.get("done_until")),
            last_outcome=(
                None
                if data.get("last_outcome") is None
                else Outcome.from_dict(data["last_outcome"])
            ),
            ledger=SavingsLedger.from_dict(data.get("ledger", {})),
            automatic_control=bool(data.get("automatic_control", True)),
            finished_window=(
                None
                if data.get("finished_window") is None
                else (data["finished_window"][0], data["finished_window"][1])
            ),
            started_by=started_by,
        )


def plan_state(record: ApplianceRecord, appliance: Appliance, start: datetime) -> ApplianceState:
    """Return what the optimizer must know about the appliance for a plan from ``start``.

    A running cycle is fixed where it started. A running block of an
    interruptible appliance has delivered its energy up to ``start`` and counts
    as still on there when it was planned past it. A one-off request that
    finished stays finished until its window is changed.
    """
    current = record.current
    delivered = record.delivered_kwh
    running_since: datetime | None = None
    if current is not None:
        if appliance.operation == "cycle":
            running_since = current.start
        else:
            ran_until = max(min(current.end, start), current.start)
            delivered += current.power_kw * ((ran_until - current.start) / HOUR)
            if current.end > start:
                running_since = current.start
    done_until = record.done_until
    if not appliance.is_daily:
        done_until = FOREVER if record.finished_window == one_off_window(appliance) else None
    return ApplianceState(
        running_since=running_since, delivered_kwh=delivered, done_until=done_until
    )


def one_off_window(appliance: Appliance) -> tuple[str | None, str | None]:
    """Return what identifies a one-off request: its earliest start and deadline."""
    return iso(appliance.earliest_start), iso(appliance.deadline)


def adopt(
    record: ApplianceRecord,
    appliance: Appliance,
    plans: Sequence[AppliancePlan],
    start: datetime,
    prices: PriceSeries,
) -> ApplianceRecord:
    """Fit a running interruptible block to a plan made from ``start``.

    The block runs as committed until ``start``; after it, it goes on only as
    far as the new plan continues it at the same power.
    """
    current = record.current
    if (
        current is None
        or appliance.operation == "cycle"
        or current.end <= start
        or record.started_by == "manual"
    ):
        # A person's run is theirs: the plan does not shorten it.
        return record
    continuation = next(
        (
            run
            for plan in _occurrence_plans(record, appliance, plans)
            for run in plan.runs
            if run.start == start and math.isclose(run.power_kw, current.power_kw)
        ),
        None,
    )
    end = start if continuation is None else continuation.end
    return replace(record, current=priced_run(current.start, end, current.power_kw, prices))


def follow(  # noqa: PLR0917
    record: ApplianceRecord,
    appliance: Appliance,
    plans: Sequence[AppliancePlan],
    now: datetime,
    prices: PriceSeries,
    starts: bool = True,
    starter: StartedBy = "plan",
) -> ApplianceRecord:
    """Move the record to ``now`` along ``plans`` (this appliance's, earliest due first).

    With ``starts`` false only what ended is settled: after a restart nothing
    was switched on while Home Assistant was down, so a stale plan starts
    nothing. ``starter`` "automatic" marks a run the actuator is to switch on:
    it ends when the actuator reports the plug off, not at its planned end.
    An occurrence that is done (ended by hand) starts no run again.
    """
    if record.due is not None and not appliance.is_daily and plans and plans[0].due is not None:
        # A one-off request without a deadline is due when the prices end, which moves.
        record = replace(record, due=plans[0].due)
    current = record.current
    if current is not None and current.end <= now and record.started_by != "automatic":
        record = replace(record, finished=(*record.finished, current), current=None)
        if _occurrence_complete(record, appliance, plans, current.end):
            record = _finish(record, appliance, prices, current.end)
    if record.current is None and record.due is not None and record.due <= now:
        # The deadline passed between blocks: what ran is all there will be.
        record = _finish(record, appliance, prices, record.due)
    if starts and record.current is None:
        found = _run_covering(plans, now, record.done_until)
        if found is not None:
            record = replace(_start(record, appliance, prices, *found), started_by=starter)
    return _with_status(record, plans, now)


def start_run(  # noqa: PLR0917
    record: ApplianceRecord,
    appliance: Appliance,
    plans: Sequence[AppliancePlan],
    at: datetime,
    prices: PriceSeries,
    run: PlannedRun | None = None,
) -> ApplianceRecord:
    """Record that the plug went on at ``at``: switched for the planned ``run``, or by hand.

    A switched run that began within :data:`START_GRACE` of its planned start
    counts from there; a later one from ``at`` (a cycle then ends as much
    later). A block that follows a switched block without a break continues
    the run. A start by hand (``run`` None) is the run of the occurrence whose
    window holds ``at``, as long as its cycle lasts or until its energy is
    delivered; outside every window it is not the plan's business.
    """
    current = record.current
    if current is not None:
        if run is None or record.started_by != "automatic" or current.end > at:
            return record
        record = replace(record, finished=(*record.finished, current), current=None)
    if run is not None:
        plan = next((p for p in plans for r in p.runs if r.start == run.start), None)
        if plan is None:
            plan = _occurrence_at(record, plans, at)
        began = run.start if at - run.start <= START_GRACE else at
        started: PlannedRun | None = _moved(run, began, appliance, prices)
        started_by: StartedBy = "automatic"
    else:
        plan = _occurrence_at(record, plans, at)
        started = None if plan is None else _run_by_hand(record, appliance, plan, at, prices)
        started_by = "manual"
    if plan is None or started is None:
        return record
    if run is None:
        plan = replace(plan, runs=(started,), planned_cost=started.cost)
    record = _start(record, appliance, prices, started, plan)
    return _with_status(replace(record, started_by=started_by), plans, at)


def stop_run(  # noqa: PLR0917
    record: ApplianceRecord,
    appliance: Appliance,
    plans: Sequence[AppliancePlan],
    at: datetime,
    prices: PriceSeries,
    by_hand: bool = False,
) -> ApplianceRecord:
    """Record that the plug went off at ``at``; by hand, that ends the occurrence.

    A switched stop within :data:`START_GRACE` of the planned end counts at
    the planned end. What ran is what the ledger is paid for: a cycle cut
    short by its part of the power profile, a block by its time at power.
    """
    current = record.current
    if current is None:
        return record
    ended = max(at, current.start)
    if not by_hand and abs(ended - current.end) <= START_GRACE:
        ended = current.end
    ran = _ran(current, ended, appliance, prices)
    record = replace(record, finished=(*record.finished, ran), current=None, started_by="plan")
    if by_hand or _occurrence_complete(record, appliance, plans, ended):
        record = _finish(record, appliance, prices, ended)
    return _with_status(record, plans, at)


def priced_run(start: datetime, end: datetime, power_kw: float, prices: PriceSeries) -> PlannedRun:
    """Return a block at ``power_kw``, its expected cost at the prices held for it."""
    cost = 0.0
    for slot in prices.between(start - HOUR, end):
        overlap = min(end, slot.end) - max(start, slot.start)
        if overlap > timedelta(0):
            cost += power_kw * (overlap / HOUR) * slot.price
    return PlannedRun(
        start=start,
        end=end,
        power_kw=power_kw,
        energy_kwh=power_kw * ((end - start) / HOUR),
        cost=cost,
    )


def promise(
    record: ApplianceRecord, appliance: Appliance, plan: AppliancePlan, prices: PriceSeries
) -> tuple[float | None, float | None]:
    """Return the expected cost of a planned occurrence, and its savings as the ledger counts them.

    The optimizer's own savings compare with starting now, which shrinks to
    nothing as the run comes closer. The ledger compares with starting when
    the window opened (or the appliance was added), so the promise does too.
    """
    costs = realised_costs(appliance, plan.runs, _baseline_start(record, plan.window_start), prices)
    if costs is None or plan.planned_cost is None:
        return plan.planned_cost, plan.savings
    return plan.planned_cost, costs[1] - plan.planned_cost


def next_change(
    records: Mapping[str, ApplianceRecord],
    plans: Sequence[AppliancePlan],
    now: datetime,
) -> datetime | None:
    """Return the next moment a record changes on its own: a run starts, a block ends."""
    moments = [run.start for plan in plans for run in plan.runs if run.start > now]
    for record in records.values():
        if record.current is not None:
            moments.append(record.current.end)
        elif record.due is not None:
            moments.append(record.due)
    return min((moment for moment in moments if moment > now), default=None)


def _occurrence_complete(
    record: ApplianceRecord,
    appliance: Appliance,
    plans: Sequence[AppliancePlan],
    ended: datetime,
) -> bool:
    if appliance.operation == "cycle":
        return True
    if record.delivered_kwh >= appliance.target_energy_kwh - ENERGY_EPSILON:
        return True
    return not any(
        run.start >= ended
        for plan in _occurrence_plans(record, appliance, plans)
        for run in plan.runs
    )


def _occurrence_plans(
    record: ApplianceRecord, appliance: Appliance, plans: Sequence[AppliancePlan]
) -> Sequence[AppliancePlan]:
    """Return the plan of the occurrence being run.

    A daily occurrence is known by its due time. A one-off request has one
    occurrence, whose due time is the end of the prices when it has no
    deadline, so it moves as prices are published.
    """
    if appliance.is_daily:
        return [plan for plan in plans if plan.due == record.due]
    return plans[:1]


def _start(
    record: ApplianceRecord,
    appliance: Appliance,
    prices: PriceSeries,
    run: PlannedRun,
    plan: AppliancePlan,
) -> ApplianceRecord:
    if record.due is not None and appliance.is_daily and plan.due != record.due:
        # Blocks of an earlier occurrence that never completed: settle them first.
        record = _finish(record, appliance, prices, record.due)
    if record.due is None:
        expected_cost, expected_savings = promise(record, appliance, plan, prices)
        record = replace(
            record,
            due=plan.due,
            window_start=plan.window_start,
            expected_cost=expected_cost,
            expected_savings=expected_savings,
        )
    return replace(record, current=run)


def _finish(
    record: ApplianceRecord, appliance: Appliance, prices: PriceSeries, finished_at: datetime
) -> ApplianceRecord:
    """Close the occurrence: its outcome at the prices paid, into the ledger, never again."""
    due = record.due or finished_at
    if record.finished:
        finished_at = min(finished_at, record.finished[-1].end)
    ledger = record.ledger
    paid: float | None = None
    baseline: float | None = None
    if record.finished:
        earliest = _baseline_start(record, record.window_start)
        costs = realised_costs(appliance, record.finished, earliest, prices)
        if costs is not None:
            paid, baseline = costs
            # Keyed by the finish time, which only grows: a one-off's due time need not.
            ledger = ledger.record(finished_at, paid, baseline)
    outcome = Outcome(
        due=due,
        finished_at=finished_at,
        energy_kwh=record.delivered_kwh,
        paid=paid,
        baseline=baseline,
    )
    return replace(
        record,
        status="done",
        due=None,
        window_start=None,
        finished=(),
        current=None,
        expected_cost=None,
        expected_savings=None,
        done_until=due if record.done_until is None else max(record.done_until, due),
        finished_window=None if appliance.is_daily else one_off_window(appliance),
        last_outcome=outcome if record.finished else record.last_outcome,
        ledger=ledger,
        started_by="plan",
    )


def _occurrence_at(
    record: ApplianceRecord, plans: Sequence[AppliancePlan], at: datetime
) -> AppliancePlan | None:
    """Return the occurrence a run started at ``at`` belongs to, if any.

    The occurrence under way (between an interruptible appliance's blocks)
    keeps it; otherwise the occurrence whose window holds ``at``.
    """
    if record.due is not None:
        under_way = next((plan for plan in plans if plan.due == record.due), None)
        if under_way is not None:
            return under_way
    return next(
        (
            plan
            for plan in plans
            if plan.due is not None
            and plan.due > at
            and (plan.window_start is None or plan.window_start <= at)
        ),
        None,
    )


def _run_by_hand(
    record: ApplianceRecord,
    appliance: Appliance,
    plan: AppliancePlan,
    at: datetime,
    prices: PriceSeries,
) -> PlannedRun | None:
    """Return the run a start by hand makes: the whole cycle, or the energy still owed."""
    if appliance.operation == "cycle":
        end = at + appliance.cycle_duration
        return PlannedRun(
            start=at,
            end=end,
            power_kw=appliance.peak_kw,
            energy_kwh=appliance.target_energy_kwh,
            cost=profile_cost(prices, at, appliance.profile) or 0.0,
        )
    delivered = record.delivered_kwh if record.due == plan.due else 0.0
    owed = appliance.target_energy_kwh - delivered
    if owed <= ENERGY_EPSILON:
        return None
    return priced_run(at, at + owed / appliance.power_kw * HOUR, appliance.power_kw, prices)


def _moved(
    run: PlannedRun, start: datetime, appliance: Appliance, prices: PriceSeries
) -> PlannedRun:
    """Return a planned run begun at ``start``: a cycle keeps its length, a block its end."""
    if start == run.start:
        return run
    if appliance.operation == "cycle":
        return replace(
            run,
            start=start,
            end=start + (run.end - run.start),
            cost=profile_cost(prices, start, appliance.profile) or run.cost,
        )
    return priced_run(start, max(run.end, start), run.power_kw, prices)


def _ran(
    current: PlannedRun, ended: datetime, appliance: Appliance, prices: PriceSeries
) -> PlannedRun:
    """Return the part of ``current`` that ran until ``ended``."""
    if ended == current.end:
        return current
    if appliance.operation == "cycle":
        phases = cycle_part(appliance.profile, ended - current.start)
        energy = sum(phase.power_kw * (phase.duration / HOUR) for phase in phases)
        cost = profile_cost(prices, current.start, phases)
        return replace(
            current,
            end=ended,
            energy_kwh=energy,
            cost=current.cost if cost is None else cost,
        )
    return priced_run(current.start, ended, current.power_kw, prices)


def _baseline_start(record: ApplianceRecord, window_start: datetime | None) -> datetime:
    """Return when the occurrence could first have started: its window, once it was tracked."""
    return max(window_start or record.tracked_since, record.tracked_since)


def _run_covering(
    plans: Sequence[AppliancePlan], now: datetime, done_until: datetime | None = None
) -> tuple[PlannedRun, AppliancePlan] | None:
    for plan in plans:
        if done_until is not None and plan.due is not None and plan.due <= done_until:
            continue
        for run in plan.runs:
            if run.start <= now < run.end:
                return run, plan
    return None


def _with_status(
    record: ApplianceRecord, plans: Sequence[AppliancePlan], now: datetime
) -> ApplianceRecord:
    """Say what the appliance is doing, from its record and its nearest occurrence."""
    if record.current is not None:
        return replace(record, status="running", issue=None)
    # An occurrence ended by hand is done, whatever the plan made before still says.
    done_until = record.done_until
    nearest = next(
        (p for p in plans if done_until is None or p.due is None or p.due > done_until), None
    )
    if nearest is not None and any(run.end > now for run in nearest.runs):
        return replace(record, status="scheduled", issue=None)
    issue = None if nearest is None else nearest.issue
    if issue is not None and issue.code != WAITING:
        return replace(record, status="blocked", issue=issue)
    return replace(record, status="done" if record.status == "done" else "idle", issue=issue)
