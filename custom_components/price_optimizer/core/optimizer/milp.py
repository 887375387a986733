"""Solve the model exactly: HiGHS in-process, or CBC through PuLP where HiGHS is missing.

The HiGHS path works like a branch and bound that knows its problem:

1. Solve the relaxation of the pattern model (:mod:`.formulation`); its value
   is a lower bound, and often already the optimum.
2. Read a plan off it (:mod:`.rounding`: each job at its most likely
   placement, then polished); if the relaxation is too tight for that, dive
   instead (fix the most decided job, solve again, until integral). A plan
   within the gap tolerance of the bound is proven optimal.
3. Otherwise branch. When every slot where the limit binds has its knapsack
   hull, our own tree does it (:mod:`.tree`: whole start ranges of a cycle at
   a time, which closes in tens of nodes where HiGHS's branch and cut takes
   seconds). When some slots are too crowded for their hull (about 20
   appliances), HiGHS's own branch and cut runs from the plan instead: its
   cuts make up for the missing hulls.

The whole call stays within its time limit; a plan stopped by it reports the
gap to its proven bound.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
import importlib.util
import math
from typing import Any, Final, Literal

import numpy as np

from .clock import monotonic_seconds
from .formulation import INTEGRALITY, NO_COLUMN, Formulation, decode, encode, formulate
from .neighbourhood import search_neighbourhoods
from .problem import DEFAULT_TIME_LIMIT, FloatArray, IntArray, Problem
from .rounding import read_jobs, round_relaxation
from .solution import Solution, polish, total_cost
from .tree import Tree

Backend = Literal["highs", "cbc", "pulp_highs"]
SolveStatus = Literal["optimal", "time_limit", "infeasible"]
SolveStage = Literal["empty", "relaxation", "dive", "branch_and_bound", "pulp"]

# HiGHS's own definition of optimal: a relative gap of 0.01 %, or an absolute one of 1e-6.
REL_GAP: Final = 1e-4
ABS_GAP: Final = 1e-6
# Shares of the time limit: the tree alone until the first, the neighbourhood search until the
# second (when the tree has not closed by then), the tree again until the end. Where slots are
# too crowded for their hulls, the neighbourhood search until the third, then HiGHS. Measured on
# the 20 x 192 benchmark (two rounds, loaded machine): median distance to the best plan known
# 1.4e-3 -> 1.0e-3, mean gap unchanged (2.8e-3 -> 2.9e-3).
TREE_SHARE: Final = 0.3
SEARCH_SHARE: Final = 0.7
CROWDED_SEARCH_SHARE: Final = 0.35
# With an energy balance whose relaxation does not give a proven plan: the share of the time
# limit the plan on the grid alone may take, before HiGHS's branch and cut starts from the
# better of the two plans.
FIRST_PLAN_SHARE: Final = 0.3
# A peak the plan may raise ties all jobs' slots together: splitting one cycle's starts
# barely moves the bound there, while HiGHS's cuts close it. With a capacity charge the tree
# gets this share to close alone, then HiGHS goes on from its plan (measured on eight cycles
# under a monthly peak: the tree 0.9 % from its bound after 5 s, HiGHS optimal in 0.2 s).
CHARGE_TREE_SHARE: Final = 0.05
# Time kept back from the search for reading, polishing and reporting its plan (seconds),
# so that a call returns within its time limit; HiGHS's branch and cut checks its clock less
# often and gets more margin. The least HiGHS is given.
FINISHING_TIME: Final = 0.03
HIGHS_MARGIN: Final = 0.1
MINIMUM_TIME: Final = 0.01


class SolverUnavailableError(RuntimeError):
    """Neither HiGHS nor CBC can be used here."""


@dataclass(frozen=True, slots=True)
class SolveReport:
    """How a plan was found, for diagnostics and benchmarks (never shown as a reason)."""

    backend: Backend
    status: SolveStatus
    stage: SolveStage
    objective: float | None
    bound: float | None
    seconds: float

    @property
    def gap(self) -> float | None:
        """Return the relative gap between plan and bound (0 when proven exactly)."""
        if self.objective is None or self.bound is None:
            return None
        return max(self.objective - self.bound, 0.0) / max(abs(self.objective), 1e-9)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form."""
        return {
            "backend": self.backend,
            "status": self.status,
            "stage": self.stage,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "seconds": self.seconds,
        }


def available_backends() -> tuple[Backend, ...]:
    """Return the backends that can run here, preferred first."""
    found: list[Backend] = []
    if importlib.util.find_spec("highspy") is not None:
        found.append("highs")
    if _cbc_available():
        found.append("cbc")
    return tuple(found)


def default_backend() -> Backend:
    """Return HiGHS when highspy is installed, else CBC; raise when neither is."""
    if importlib.util.find_spec("highspy") is not None:
        return "highs"
    if _cbc_available():
        return "cbc"
    raise SolverUnavailableError("neither highspy nor a CBC binary is installed")


def _cbc_available() -> bool:
    # Importing pulp takes about half a second: only when HiGHS is missing.
    import pulp  # noqa: PLC0415

    solver = pulp.COIN_CMD(msg=False)  # type: ignore[no-untyped-call]
    return bool(solver.available())  # type: ignore[no-untyped-call]


def solve(
    problem: Problem,
    backend: Backend | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    *,
    first_plan: bool = False,
) -> tuple[Solution | None, SolveReport]:
    """Return the cheapest plan of ``problem`` (None if infeasible) and how it was found.

    ``time_limit`` bounds the whole call (seconds). With ``first_plan`` any
    feasible plan will do: the search stops at the first one, and the report
    says "time_limit" unless that plan happens to be proven optimal.
    """
    started = monotonic_seconds()
    if backend is None:
        backend = default_backend()
    if not problem.jobs and problem.energy is None:
        report = SolveReport(backend, "optimal", "empty", 0.0, 0.0, 0.0)
        return Solution(), report
    formulation = formulate(problem)
    if backend == "highs" and problem.energy is not None:
        return _solve_balance(problem, formulation, time_limit, started, first_plan)
    if backend == "highs":
        return _solve_highs(problem, formulation, time_limit, started, first_plan)
    return _solve_pulp(problem, formulation, backend, time_limit, started)


def within_tolerance(objective: float, bound: float) -> bool:
    """Return whether a plan costing ``objective`` is proven optimal against ``bound``."""
    return objective - bound <= _gap_allowed(objective)


def _gap_allowed(objective: float) -> float:
    return max(ABS_GAP, REL_GAP * abs(objective))


def _solve_highs(
    problem: Problem,
    formulation: Formulation,
    time_limit: float,
    started: float,
    first_plan: bool,
) -> tuple[Solution | None, SolveReport]:
    import highspy  # noqa: PLC0415

    deadline = started + time_limit - FINISHING_TIME
    relaxation = _highs_model(formulation, integer=False, time_limit=time_limit)
    relaxation.setOptionValue("presolve", "off")
    relaxation.run()
    relaxed = relaxation.getModelStatus()
    if relaxed != highspy.HighsModelStatus.kOptimal:
        unsolved: SolveStatus = (
            "infeasible" if relaxed == highspy.HighsModelStatus.kInfeasible else "time_limit"
        )
        return None, _report("highs", unsolved, "relaxation", None, None, started)
    bound = float(relaxation.getObjectiveValue())
    root = relaxation.getSolution()
    root_value = np.array(root.col_value)
    tree = Tree(
        problem, formulation, relaxation, bound, root_value, np.array(root.col_dual), _gap_allowed
    )
    tree.offer(round_relaxation(problem, formulation, root_value, tree.memo))
    stage: SolveStage = "relaxation"
    if tree.incumbent is None:
        # Too tight to read a plan off the relaxation: round it step by step instead.
        tree.offer(_dive_plan(problem, formulation, relaxation, highspy))
        stage = "dive"
    if tree.incumbent is not None and within_tolerance(tree.objective, bound):
        return tree.incumbent, _report("highs", "optimal", stage, tree.objective, bound, started)
    if tree.incumbent is not None and first_plan:
        return tree.incumbent, _report("highs", "time_limit", stage, tree.objective, bound, started)
    if formulation.hulls_complete and problem.charge is not None and not first_plan:
        result = tree.run(started + CHARGE_TREE_SHARE * time_limit)
        if result.closed:
            incumbent, objective, bound, proven = (
                result.incumbent,
                result.objective,
                result.bound,
                True,
            )
        else:
            incumbent, objective, bound, proven = _branch_with_highs(
                problem, formulation, result.incumbent, result.bound, deadline, first_plan
            )
    elif formulation.hulls_complete:
        result = tree.run(started + TREE_SHARE * time_limit, stop_at_first_plan=first_plan)
        if not result.closed and not first_plan and tree.incumbent is not None:
            # Many jobs: better plans come faster from solving small groups of them exactly;
            # then the tree goes on, pruning against the better plan.
            tree.offer(
                search_neighbourhoods(
                    problem, tree.incumbent, started + SEARCH_SHARE * time_limit, _solve_part
                )
            )
            result = tree.run(deadline)
        incumbent, objective, bound, proven = (
            result.incumbent,
            result.objective,
            result.bound,
            result.closed,
        )
    else:
        incumbent = tree.incumbent
        if incumbent is not None and not first_plan:
            # HiGHS prunes and cuts better from a better plan: search neighbourhoods first.
            incumbent = search_neighbourhoods(
                problem, incumbent, started + CROWDED_SEARCH_SHARE * time_limit, _solve_part
            )
        incumbent, objective, bound, proven = _branch_with_highs(
            problem, formulation, incumbent, bound, deadline, first_plan
        )
    if incumbent is None:
        status: SolveStatus = "infeasible" if proven else "time_limit"
        return None, _report("highs", status, "branch_and_bound", None, None, started)
    status = "optimal" if proven or within_tolerance(objective, bound) else "time_limit"
    return incumbent, _report("highs", status, "branch_and_bound", objective, bound, started)


def _solve_balance(
    problem: Problem,
    formulation: Formulation,
    time_limit: float,
    started: float,
    first_plan: bool,
) -> tuple[Solution | None, SolveReport]:
    """Solve a model with an energy balance: relaxation, a plan read off it, then HiGHS.

    A battery's charge couples every slot, so no appliance's cost can be read on its own:
    the placement heuristics and our tree, which price one job at a time, do not apply.
    The relaxation is usually as good as the best plan but split between equally good
    placements; the plan read off it (each job at its most likely placement, the balance
    solved again around it) is then proven optimal by the relaxation's bound. Otherwise
    HiGHS's branch and cut starts from that plan.
    """
    import highspy  # noqa: PLC0415

    relaxation = _highs_model(formulation, integer=False, time_limit=time_limit)
    relaxation.setOptionValue("presolve", "off")
    relaxation.run()
    if relaxation.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        infeasible = relaxation.getModelStatus() == highspy.HighsModelStatus.kInfeasible
        status: SolveStatus = "infeasible" if infeasible else "time_limit"
        return None, _report("highs", status, "relaxation", None, None, started)
    bound = float(relaxation.getObjectiveValue())
    reading = read_jobs(problem, formulation, np.array(relaxation.getSolution().col_value))
    incumbent: Solution | None = None
    objective = math.inf
    around: Any = None
    if reading is not None:
        fixed = _job_columns(formulation)
        placed_at = encode(problem, formulation, reading)[fixed]
        # The balance around the plan, from the relaxation's basis: usually integral already.
        _set_bounds(relaxation, fixed, placed_at, placed_at)
        relaxation.run()
        if relaxation.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            around = relaxation
            point = np.array(relaxation.getSolution().col_value)
            settled = np.abs(point - np.round(point))[formulation.integer] <= INTEGRALITY
            if not settled.all():
                around = _balance_around(problem, formulation, reading, time_limit)
        if around is not None:
            incumbent = decode(problem, formulation, np.array(around.getSolution().col_value))
            objective = total_cost(problem, incumbent)
    if incumbent is not None and (first_plan or within_tolerance(objective, bound)):
        outcome: SolveStatus = "optimal" if within_tolerance(objective, bound) else "time_limit"
        return incumbent, _report("highs", outcome, "relaxation", objective, bound, started)
    values: FloatArray | None = None
    if around is not None:
        values = _incumbent_values(formulation, around)
    if problem.jobs and (values is None or not first_plan):
        # The plan read off the relaxation does not fit, or is far from its bound (a binding
        # limit splits the battery's energy between placements). The cheapest plan on the grid
        # alone always fits beside solar and an idle battery; with the balance settled around
        # it, it is often the better start for the branch and cut.
        grid_only = replace(problem, energy=None)
        placed, _ = solve(grid_only, "highs", FIRST_PLAN_SHARE * time_limit)
        settled_model = (
            None if placed is None else _balance_around(problem, formulation, placed, time_limit)
        )
        if settled_model is not None:
            candidate = decode(
                problem, formulation, np.array(settled_model.getSolution().col_value)
            )
            cost = total_cost(problem, candidate)
            if cost < objective:
                values = _incumbent_values(formulation, settled_model)
                incumbent, objective = candidate, cost
    remaining = max(started + time_limit - monotonic_seconds() - HIGHS_MARGIN, MINIMUM_TIME)
    mip = _highs_model(formulation, integer=True, time_limit=remaining)
    mip.setOptionValue("mip_rel_gap", REL_GAP)
    mip.setOptionValue("mip_abs_gap", ABS_GAP)
    if first_plan:
        mip.setOptionValue("mip_max_improving_sols", 1)
    if values is not None:
        everything = np.arange(formulation.columns, dtype=np.int32)
        mip.setSolution(len(everything), everything, values)
    mip.run()
    mip_status = mip.getModelStatus()
    info = mip.getInfo()
    if info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
        found = decode(problem, formulation, np.array(mip.getSolution().col_value))
        cost = total_cost(problem, found)
        if cost < objective:
            incumbent, objective = found, cost
    if incumbent is None:
        unsolved: SolveStatus = (
            "infeasible" if mip_status == highspy.HighsModelStatus.kInfeasible else "time_limit"
        )
        return None, _report("highs", unsolved, "branch_and_bound", None, None, started)
    mip_bound = float(info.mip_dual_bound)
    if math.isfinite(mip_bound):
        bound = max(bound, mip_bound)
    bound = min(bound, objective)
    proven = mip_status == highspy.HighsModelStatus.kOptimal or within_tolerance(objective, bound)
    outcome = "optimal" if proven else "time_limit"
    return incumbent, _report("highs", outcome, "branch_and_bound", objective, bound, started)


def _balance_around(
    problem: Problem, formulation: Formulation, placement: Solution, time_limit: float
) -> Any:
    """Return the model solved with the jobs where ``placement`` has them (None: no plan)."""
    import highspy  # noqa: PLC0415

    fixed = _job_columns(formulation)
    values = encode(problem, formulation, placement)[fixed]
    model = _highs_model(formulation, integer=True, time_limit=time_limit)
    model.setOptionValue("mip_rel_gap", REL_GAP)
    model.setOptionValue("mip_abs_gap", ABS_GAP)
    _set_bounds(model, fixed, values, values)
    model.run()
    if model.getInfo().primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        return None
    return model


def _job_columns(formulation: Formulation) -> IntArray:
    """Return the appliances' integer columns: cycle starts and on/off indicators."""
    parts = [*formulation.start_columns.values(), *formulation.on_columns.values()]
    if not parts:
        return np.zeros(0, dtype=np.int64)
    columns = np.concatenate(parts)
    chosen: IntArray = columns[(columns != NO_COLUMN) & formulation.integer[np.maximum(columns, 0)]]
    return chosen


def _incumbent_values(formulation: Formulation, model: Any) -> FloatArray:
    values = np.array(model.getSolution().col_value)
    rounded: FloatArray = np.where(formulation.integer, np.round(values), values)
    return rounded


def _solve_part(part: Problem, time_limit: float) -> Solution | None:
    return solve(part, "highs", time_limit)[0]


def _branch_with_highs(  # noqa: PLR0917
    problem: Problem,
    formulation: Formulation,
    incumbent: Solution | None,
    bound: float,
    deadline: float,
    first_plan: bool,
) -> tuple[Solution | None, float, float, bool]:
    """Let HiGHS branch and cut from the incumbent: (plan, cost, bound, proven).

    For models whose slots are too crowded for their knapsack hull, HiGHS's
    cuts and heuristics do better than our tree (measured on the 20 x 192
    benchmark within one second: median gap 1.0e-3 against 2.7e-3).
    """
    import highspy  # noqa: PLC0415

    objective = math.inf if incumbent is None else total_cost(problem, incumbent)
    remaining = max(deadline - monotonic_seconds() - HIGHS_MARGIN, MINIMUM_TIME)
    mip = _highs_model(formulation, integer=True, time_limit=remaining)
    mip.setOptionValue("mip_rel_gap", REL_GAP)
    mip.setOptionValue("mip_abs_gap", ABS_GAP)
    if first_plan:
        mip.setOptionValue("mip_max_improving_sols", 1)
    if incumbent is not None:
        columns = np.flatnonzero(formulation.integer).astype(np.int32)
        values = encode(problem, formulation, incumbent)[columns]
        mip.setSolution(len(columns), columns, values)
    mip.run()
    status = mip.getModelStatus()
    info = mip.getInfo()
    if info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
        found = polish(problem, decode(problem, formulation, np.array(mip.getSolution().col_value)))
        cost = total_cost(problem, found)
        if cost < objective:
            incumbent, objective = found, cost
    if status == highspy.HighsModelStatus.kInfeasible:
        return incumbent, objective, bound, incumbent is None
    mip_bound = float(info.mip_dual_bound)
    if math.isfinite(mip_bound):
        bound = max(bound, min(mip_bound, objective))
    return incumbent, objective, bound, status == highspy.HighsModelStatus.kOptimal


def _dive_plan(
    problem: Problem, formulation: Formulation, model: Any, highspy: Any
) -> Solution | None:
    """Return the dive's plan, polished; the model's bounds are as before afterwards."""
    dived = _dive(model, formulation, highspy)
    everything = np.arange(formulation.columns, dtype=np.int32)
    model.changeColsBounds(len(everything), everything, formulation.lower, formulation.upper)
    if dived is None:
        return None
    return polish(problem, decode(problem, formulation, dived))


def _highs_model(
    formulation: Formulation,
    *,
    integer: bool,
    time_limit: float,
) -> Any:
    import highspy  # noqa: PLC0415

    model = highspy.Highs()  # type: ignore[no-untyped-call]
    model.setOptionValue("output_flag", False)
    model.setOptionValue("time_limit", float(time_limit))
    model.setOptionValue("random_seed", 0)
    count = formulation.columns
    empty = np.zeros(0, dtype=np.int32)
    model.addCols(
        count,
        formulation.cost,
        formulation.lower,
        formulation.upper,
        0,
        empty,
        empty,
        np.zeros(0),
    )
    if integer and formulation.integer.any():
        columns = np.flatnonzero(formulation.integer).astype(np.int32)
        model.changeColsIntegrality(
            len(columns), columns, np.full(len(columns), highspy.HighsVarType.kInteger)
        )
    model.addRows(
        formulation.rows,
        formulation.row_lower,
        formulation.row_upper,
        len(formulation.row_index),
        formulation.row_starts[:-1].astype(np.int32),
        formulation.row_index.astype(np.int32),
        formulation.row_value,
    )
    return model


def _dive(model: Any, formulation: Formulation, highspy: Any) -> FloatArray | None:
    """Round the relaxation job by job; return an integral point, or None.

    Each step settles the most decided fractional choice; when that makes the
    relaxation infeasible, the opposite choice is taken instead (one backtrack).
    """
    integer = np.flatnonzero(formulation.integer)
    lower = formulation.lower.copy()
    upper = formulation.upper.copy()
    optimal = highspy.HighsModelStatus.kOptimal
    for _ in range(2 * len(integer) + 1):
        if model.getModelStatus() != optimal:
            return None
        value = np.array(model.getSolution().col_value)
        if np.all(np.abs(value[integer] - np.round(value[integer])) <= INTEGRALITY):
            return value
        for columns, new_lower, new_upper in _next_fix(formulation, value):
            _set_bounds(model, columns, new_lower, new_upper)
            model.run()
            if model.getModelStatus() == optimal:
                lower[columns] = new_lower
                upper[columns] = new_upper
                break
            _set_bounds(model, columns, lower[columns], upper[columns])
        else:
            return None
    return None  # pragma: no cover - every step settles at least one binary


def _set_bounds(model: Any, columns: IntArray, lower: FloatArray, upper: FloatArray) -> None:
    model.changeColsBounds(len(columns), columns.astype(np.int32), lower, upper)


def _next_fix(
    formulation: Formulation, value: FloatArray
) -> tuple[tuple[IntArray, FloatArray, FloatArray], ...]:
    """Return the bounds that settle the most decided fractional choice, then its opposite."""
    best: tuple[float, int] | None = None
    for number, columns in formulation.start_columns.items():
        top = float(value[columns].max())
        if top < 1 - INTEGRALITY and (best is None or top > best[0]):
            best = (top, number)
    if best is not None:
        columns = formulation.start_columns[best[1]]
        # argmax takes the earliest of equally likely starts.
        chosen = columns[int(np.argmax(value[columns]))]
        single = np.array([chosen])
        start_here = (columns == chosen).astype(np.float64)
        return (
            (columns, start_here, start_here),
            (single, np.zeros(1), np.zeros(1)),
        )
    for columns in formulation.on_columns.values():
        present = columns[columns != NO_COLUMN]
        share = value[present]
        fractional = np.flatnonzero(np.abs(share - np.round(share)) > INTEGRALITY)
        if len(fractional):
            chosen = present[fractional[int(np.argmax(share[fractional]))]]
            single = np.array([chosen])
            return (
                (single, np.ones(1), np.ones(1)),
                (single, np.zeros(1), np.zeros(1)),
            )
    steps = formulation.step_columns
    share = value[steps]
    fractional = np.flatnonzero(np.abs(share - np.round(share)) > INTEGRALITY)
    if len(fractional):
        # Paying for a step is always possible; staying below it may not be.
        single = steps[fractional[:1]]
        return (
            (single, np.ones(1), np.ones(1)),
            (single, np.zeros(1), np.zeros(1)),
        )
    raise AssertionError("no fractional binary to fix")  # pragma: no cover


def _solve_pulp(
    problem: Problem,
    formulation: Formulation,
    backend: Backend,
    time_limit: float,
    started: float,
) -> tuple[Solution | None, SolveReport]:
    import pulp  # noqa: PLC0415

    model = pulp.LpProblem("appliance_plan", pulp.LpMinimize)
    variables = [
        model.add_variable(
            f"c{column}",
            float(formulation.lower[column]),
            float(formulation.upper[column]),
            "Integer" if formulation.integer[column] else "Continuous",
        )
        for column in range(formulation.columns)
    ]
    model.setObjective(
        pulp.lpSum_vars_coefs(
            (variables[c], float(formulation.cost[c]))
            for c in np.flatnonzero(formulation.cost).tolist()
        )
    )
    starts = formulation.row_starts
    for row in range(formulation.rows):
        span = slice(int(starts[row]), int(starts[row + 1]))
        expression = pulp.lpSum_vars_coefs(
            zip(
                (variables[c] for c in formulation.row_index[span].tolist()),
                formulation.row_value[span].tolist(),
                strict=True,
            )
        )
        low = float(formulation.row_lower[row])
        high = float(formulation.row_upper[row])
        if low == high:
            model.addConstraint(expression == low, f"r{row}")
            continue
        if math.isfinite(low):
            model.addConstraint(expression >= low, f"r{row}l")
        if math.isfinite(high):
            model.addConstraint(expression <= high, f"r{row}u")
    options: dict[str, Any] = {"msg": False, "timeLimit": time_limit, "gapRel": REL_GAP}
    solver = (
        pulp.COIN_CMD(gapAbs=ABS_GAP, **options)  # type: ignore[no-untyped-call]
        if backend == "cbc"
        else pulp.HiGHS(gapAbs=ABS_GAP, **options)
    )
    stats = model.solve(solver)
    if not stats.has_solution:
        return None, _report(backend, "infeasible", "pulp", None, None, started)
    value = np.array([variable.varValue or 0.0 for variable in variables])
    solution = decode(problem, formulation, value)
    if problem.energy is None:
        solution = polish(problem, solution)
    objective = total_cost(problem, solution)
    bound = stats.best_bound if stats.best_bound is not None else None
    # Stopping on the gap tolerance is optimal by our (and HiGHS's) definition.
    proven = stats.status in {pulp.LpSolveStatus.Optimal, pulp.LpSolveStatus.GapLimit}
    if bound is not None:
        bound = min(bound, objective)
    status: SolveStatus = "optimal" if proven else "time_limit"
    return solution, _report(backend, status, "pulp", objective, bound, started)


def _report(  # noqa: PLR0917
    backend: Backend,
    status: SolveStatus,
    stage: SolveStage,
    objective: float | None,
    bound: float | None,
    started: float,
) -> SolveReport:
    return SolveReport(
        backend=backend,
        status=status,
        stage=stage,
        objective=objective,
        bound=bound,
        seconds=monotonic_seconds() - started,
    )
