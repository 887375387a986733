"""Branch and bound on the relaxation, branching the way the jobs are built.

A general MILP solver branches on one binary at a time. In a time-indexed
model that is weak: forbidding one start of a cycle moves its weight to the
next start at almost the same cost, and the bound barely moves. Here a
fractional cycle is split at the middle of its weight instead: one child may
only start before that point, the other only after (all start binaries of one
side set to 0). An on/off slot of an interruptible job is branched on itself.

Measured on the hard days of the 6 x 96 benchmark (given the optimal plan, on
a loaded machine): 3-37 nodes and 30-170 ms to prove optimality, where
HiGHS's own branch and bound took 0.07-2.5 s on the same model.

Nodes are taken best bound first; after each branching the more likely child
is solved at once (a plunge), which finds plans early: the plunge reads a plan
off the relaxation (:mod:`.rounding`) at its first node and every few levels
down. Binaries whose reduced cost at the root exceeds the gap are fixed, again
each time the incumbent improves. Independent parts of the horizon multiply
the nodes, so crowded households with many such parts may stop at the time
limit; the bound reported then is the least bound of the open nodes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import heapq
import itertools
import math
from typing import Any, Final

import numpy as np

from .clock import monotonic_seconds
from .formulation import INTEGRALITY, NO_COLUMN, Formulation, decode
from .placement import BlockMemo
from .problem import FloatArray, IntArray, Problem
from .rounding import round_relaxation
from .solution import Solution, polish, total_cost

# Reading a plan off the relaxation costs about as much as solving a node: do it at the
# start of a plunge and every few steps down.
ROUNDING_EVERY: Final = 4
# A column fixed at a node: (columns, value) with value 0.0 or 1.0.
Fixing = tuple[IntArray, float]


@dataclass(slots=True)
class TreeResult:
    """The best plan found, its cost, the proven lower bound and whether the tree was closed."""

    incumbent: Solution | None
    objective: float
    bound: float
    closed: bool


class _UnsolvedError(Exception):
    """HiGHS stopped before it could say whether a node is feasible."""


@dataclass(frozen=True, slots=True)
class _Node:
    bound: float
    fixings: tuple[Fixing, ...]


class Tree:
    """Best-first branch and bound over one HiGHS relaxation whose bounds it changes."""

    def __init__(  # noqa: PLR0917
        self,
        problem: Problem,
        formulation: Formulation,
        model: Any,
        root_bound: float,
        root_value: FloatArray,
        reduced_cost: FloatArray,
        tolerance: Callable[[float], float],
    ) -> None:
        """Take over ``model``, whose relaxation is solved at the root."""
        self.problem = problem
        self.formulation = formulation
        self.model = model
        self.root_bound = root_bound
        self.root_value = root_value
        self.reduced_cost = reduced_cost
        self.gap_allowed = tolerance
        self.base_lower = formulation.lower.copy()
        self.base_upper = formulation.upper.copy()
        self.lower = self.base_lower.copy()
        self.upper = self.base_upper.copy()
        self.incumbent: Solution | None = None
        self.objective = math.inf
        self.memo = BlockMemo()
        self._counter = itertools.count()
        self._heap: list[tuple[float, int, _Node]] = [
            (root_bound, next(self._counter), _Node(root_bound, ()))
        ]
        # The least bound of the nodes pruned or settled so far.
        self._closed_bound = math.inf

    def offer(self, solution: Solution | None) -> None:
        """Keep ``solution`` if it is cheaper than the incumbent; tighten the fixings."""
        if solution is None:
            return
        cost = total_cost(self.problem, solution)
        if cost < self.objective - 1e-12:
            self.incumbent, self.objective = solution, cost
            self._fix_by_reduced_cost()

    def _fix_by_reduced_cost(self) -> None:
        # A binary at 0 (1) in the root relaxation whose reduced cost exceeds the gap is 0 (1)
        # in every plan cheaper than the incumbent.
        slack = self.objective - self.root_bound + 1e-7 * (1.0 + abs(self.objective))
        integer = self.formulation.integer
        at_zero = integer & (self.root_value <= INTEGRALITY) & (self.reduced_cost > slack)
        at_one = integer & (self.root_value >= 1 - INTEGRALITY) & (-self.reduced_cost > slack)
        self.base_upper[at_zero] = 0.0
        self.base_lower[at_one] = 1.0

    def target(self) -> float:
        """Return the bound at or above which a node cannot hold a plan worth proving."""
        if not math.isfinite(self.objective):
            return math.inf
        return float(self.objective - self.gap_allowed(self.objective))

    def run(self, deadline: float, *, stop_at_first_plan: bool = False) -> TreeResult:
        """Search until the tree is closed or ``deadline`` (the solver clock) passes.

        A later call goes on where this one stopped. With ``stop_at_first_plan``
        the search ends as soon as it holds any plan.
        """
        heap = self._heap
        stopped = False
        while heap and not stopped:
            if monotonic_seconds() >= deadline or (stop_at_first_plan and self.incumbent):
                break
            bound, _, node = heapq.heappop(heap)
            if bound >= self.target():
                self._closed_bound = min(self._closed_bound, bound)
                continue
            # Plunge: solve the node, branch, and go on with the more likely child.
            plunge: _Node | None = node
            depth = 0
            while plunge is not None and monotonic_seconds() < deadline:
                try:
                    value = self._solve(plunge, deadline)
                except _UnsolvedError:
                    stopped = True
                    break
                plunge = self._expand(plunge, value, depth)
                depth += 1
            if plunge is not None:
                heapq.heappush(heap, (plunge.bound, next(self._counter), plunge))
        open_bound = min((entry[0] for entry in heap), default=math.inf)
        bound = min(self._closed_bound, open_bound, self.objective)
        return TreeResult(
            incumbent=self.incumbent,
            objective=self.objective,
            bound=max(bound, self.root_bound) if math.isfinite(bound) else self.root_bound,
            closed=not heap,
        )

    def _expand(
        self, node: _Node, value: tuple[float, FloatArray] | None, depth: int
    ) -> _Node | None:
        """Settle a solved node: prune it, take its plan, or branch; return the child to plunge."""
        if value is None:
            return None
        level, point = value
        if level >= self.target():
            self._closed_bound = min(self._closed_bound, level)
            return None
        children = self._branch(point)
        if children is None:
            self.offer(self._read(point))
            self._closed_bound = min(self._closed_bound, level)
            return None
        if self.incumbent is None or depth % ROUNDING_EVERY == 0:
            self.offer(round_relaxation(self.problem, self.formulation, point, self.memo))
            if level >= self.target():
                self._closed_bound = min(self._closed_bound, level)
                return None
        likely, other = children
        heapq.heappush(
            self._heap, (level, next(self._counter), _Node(level, (*node.fixings, other)))
        )
        return _Node(level, (*node.fixings, likely))

    def _solve(self, node: _Node, deadline: float) -> tuple[float, FloatArray] | None:
        """Solve the relaxation at ``node``: its value and point, or None when it is infeasible.

        Raises _UnsolvedError when HiGHS stops short of an answer (the time limit).
        """
        import highspy  # noqa: PLC0415

        lower = self.base_lower.copy()
        upper = self.base_upper.copy()
        for columns, fixed in node.fixings:
            if fixed:
                lower[columns] = 1.0
            else:
                upper[columns] = 0.0
        if (lower > upper + 1e-9).any():
            return None
        changed = np.flatnonzero((lower != self.lower) | (upper != self.upper)).astype(np.int32)
        if len(changed):
            self.model.changeColsBounds(len(changed), changed, lower[changed], upper[changed])
            self.lower, self.upper = lower, upper
        # HiGHS counts its time limit over all runs of the model, not per run.
        remaining = max(deadline - monotonic_seconds(), 1e-3)
        self.model.setOptionValue("time_limit", self.model.getRunTime() + remaining)
        self.model.run()
        status = self.model.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise _UnsolvedError
        return float(self.model.getObjectiveValue()), np.array(self.model.getSolution().col_value)

    def _read(self, point: FloatArray) -> Solution:
        return polish(self.problem, decode(self.problem, self.formulation, point), self.memo)

    def _branch(self, point: FloatArray) -> tuple[Fixing, Fixing] | None:
        """Return (more likely, less likely) child fixings, or None when ``point`` is integral."""
        formulation = self.formulation
        steps = formulation.step_columns
        if len(steps):
            # A step of the capacity charge moves the bound most: settle those first.
            share = point[steps]
            distance = np.minimum(share, 1.0 - share)
            index = int(np.argmax(distance))
            if distance[index] > INTEGRALITY:
                single = np.array([steps[index]], dtype=np.int64)
                if share[index] >= 0.5:
                    return (single, 1.0), (single, 0.0)
                return (single, 0.0), (single, 1.0)
        best: tuple[float, int] | None = None
        for number, columns in formulation.start_columns.items():
            share = point[columns]
            top = float(share.max())
            spread = np.count_nonzero(share > INTEGRALITY) > 1
            if spread and top < 1 - INTEGRALITY and (best is None or top < best[0]):
                best = (top, number)
        if best is not None:
            columns = formulation.start_columns[best[1]]
            share = point[columns]
            cumulative = np.cumsum(share)
            # Split at the middle of the weight, with some weight left on either side.
            weighted = np.flatnonzero(share > INTEGRALITY)
            split = min(int(np.searchsorted(cumulative, 0.5 * cumulative[-1])), int(weighted[-2]))
            early, late = columns[: split + 1], columns[split + 1 :]
            # The side holding more of the weight is the likely one; each child zeroes the other.
            if cumulative[split] >= 0.5 * cumulative[-1]:
                return (late, 0.0), (early, 0.0)
            return (early, 0.0), (late, 0.0)
        candidate: tuple[float, int, float] | None = None
        for columns in formulation.on_columns.values():
            present = columns[columns != NO_COLUMN]
            if not len(present):
                continue
            share = point[present]
            distance = np.minimum(share, 1.0 - share)
            index = int(np.argmax(distance))
            if distance[index] > INTEGRALITY and (
                candidate is None or distance[index] > candidate[0]
            ):
                candidate = (float(distance[index]), int(present[index]), float(share[index]))
        if candidate is None:
            return None
        _, column, share_on = candidate
        single = np.array([column], dtype=np.int64)
        if share_on >= 0.5:
            return (single, 1.0), (single, 0.0)
        return (single, 0.0), (single, 1.0)
