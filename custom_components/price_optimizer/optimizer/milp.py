"""Solve the model exactly: HiGHS in-process, or CBC through PuLP where HiGHS is missing.

The HiGHS path works like a branch-and-bound that knows its problem:

1. Solve the relaxation of the pattern model (:mod:`.formulation`); its value
   is a lower bound, and usually already the optimum.
2. Dive: fix the most decided job to its most likely placement and solve the
   relaxation again, until it is integral. Then polish the result (each job to
   its cheapest, earliest placement given the others).
3. If that plan is within the gap tolerance of the bound, it is proven
   optimal. Otherwise fix every binary whose reduced cost exceeds the gap
   (it cannot be in any better plan) and let HiGHS branch from the plan.

Only the last step runs HiGHS's MIP machinery, whose fixed cost alone is
tens of milliseconds; most plans never need it.
"""

from __future__ import annotations

from dataclasses import dataclass
import importlib.util
import math
import time
from typing import Any, Final, Literal

import numpy as np

from .formulation import NO_COLUMN, Formulation, formulate
from .problem import CycleJob, FloatArray, IntArray, Problem
from .solution import Solution, polish, total_cost

Backend = Literal["highs", "cbc", "pulp_highs"]
SolveStatus = Literal["optimal", "time_limit", "infeasible"]
SolveStage = Literal["empty", "relaxation", "dive", "branch_and_bound", "pulp"]

# HiGHS's own definition of optimal: a relative gap of 0.01 %, or an absolute one of 1e-6.
REL_GAP: Final = 1e-4
ABS_GAP: Final = 1e-6
INTEGRALITY: Final = 1e-6
MIP_OPTIONS: Final[dict[str, bool | float]] = {
    "mip_allow_restart": False,
    "mip_detect_symmetry": False,
    "mip_heuristic_effort": 0.0,
    "mip_heuristic_run_feasibility_jump": False,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
}


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
    problem: Problem, backend: Backend | None = None, time_limit: float = 10.0
) -> tuple[Solution | None, SolveReport]:
    """Return the cheapest plan of ``problem`` (None if infeasible) and how it was found."""
    started = time.perf_counter()
    if backend is None:
        backend = default_backend()
    if not problem.jobs:
        report = SolveReport(backend, "optimal", "empty", 0.0, 0.0, 0.0)
        return Solution(), report
    formulation = formulate(problem)
    if backend == "highs":
        return _solve_highs(problem, formulation, time_limit, started)
    return _solve_pulp(problem, formulation, backend, time_limit, started)


def within_tolerance(objective: float, bound: float) -> bool:
    """Return whether a plan costing ``objective`` is proven optimal against ``bound``."""
    return objective - bound <= max(ABS_GAP, REL_GAP * abs(objective))


def _solve_highs(
    problem: Problem, formulation: Formulation, time_limit: float, started: float
) -> tuple[Solution | None, SolveReport]:
    import highspy  # noqa: PLC0415

    relaxation = _highs_model(formulation, integer=False, time_limit=time_limit)
    relaxation.setOptionValue("presolve", "off")
    relaxation.run()
    if relaxation.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None, _report("highs", "infeasible", "relaxation", None, None, started)
    bound = float(relaxation.getObjectiveValue())
    root = relaxation.getSolution()
    reduced_cost = np.array(root.col_dual)
    root_value = np.array(root.col_value)
    dived, fixes = _dive(relaxation, formulation, highspy)
    incumbent: Solution | None = None
    objective = math.inf
    if dived is not None:
        incumbent = polish(problem, decode(problem, formulation, dived))
        objective = total_cost(problem, incumbent)
        if within_tolerance(objective, bound):
            stage: SolveStage = "relaxation" if fixes == 0 else "dive"
            return incumbent, _report("highs", "optimal", stage, objective, bound, started)
    remaining = max(time_limit - (time.perf_counter() - started), 0.1)
    upper = formulation.upper.copy()
    if incumbent is not None:
        # Reduced-cost fixing: a binary whose reduced cost exceeds the gap is 0 in any better plan.
        slack = objective - bound + 1e-7 * (1.0 + abs(objective))
        fixable = formulation.integer & (root_value <= INTEGRALITY) & (reduced_cost > slack)
        upper[fixable] = 0.0
    mip = _highs_model(formulation, integer=True, time_limit=remaining, upper=upper)
    mip.setOptionValue("mip_rel_gap", REL_GAP)
    mip.setOptionValue("mip_abs_gap", ABS_GAP)
    # With the dive's plan as incumbent, HiGHS's own heuristics, root restarts and symmetry
    # detection cost more than they find here (measured: median 3.1 s -> 1.2 s on hard days).
    if incumbent is not None:
        for option, setting in MIP_OPTIONS.items():
            mip.setOptionValue(option, setting)
        columns = np.flatnonzero(formulation.integer).astype(np.int32)
        values = encode(problem, formulation, incumbent)[columns]
        mip.setSolution(len(columns), columns, values)
    mip.run()
    status = mip.getModelStatus()
    info = mip.getInfo()
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        if incumbent is None:
            return None, _report("highs", "infeasible", "branch_and_bound", None, None, started)
    else:
        found = polish(problem, decode(problem, formulation, np.array(mip.getSolution().col_value)))
        if incumbent is None or total_cost(problem, found) <= objective:
            incumbent = found
            objective = total_cost(problem, found)
    mip_bound = float(info.mip_dual_bound)
    if math.isfinite(mip_bound):
        bound = max(bound, min(mip_bound, objective))
    proven = status == highspy.HighsModelStatus.kOptimal or within_tolerance(objective, bound)
    solve_status: SolveStatus = "optimal" if proven else "time_limit"
    return incumbent, _report("highs", solve_status, "branch_and_bound", objective, bound, started)


def _highs_model(
    formulation: Formulation,
    *,
    integer: bool,
    time_limit: float,
    upper: FloatArray | None = None,
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
        formulation.upper if upper is None else upper,
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


def _dive(model: Any, formulation: Formulation, highspy: Any) -> tuple[FloatArray | None, int]:
    """Round the relaxation job by job; return an integral point (or None) and the fixes made.

    Each step settles the most decided fractional choice; when that makes the
    relaxation infeasible, the opposite choice is taken instead (one backtrack).
    """
    integer = np.flatnonzero(formulation.integer)
    lower = formulation.lower.copy()
    upper = formulation.upper.copy()
    fixes = 0
    optimal = highspy.HighsModelStatus.kOptimal
    for _ in range(2 * len(integer) + 1):
        if model.getModelStatus() != optimal:
            return None, fixes
        value = np.array(model.getSolution().col_value)
        if np.all(np.abs(value[integer] - np.round(value[integer])) <= INTEGRALITY):
            return value, fixes
        fixes += 1
        for columns, new_lower, new_upper in _next_fix(formulation, value):
            _set_bounds(model, columns, new_lower, new_upper)
            model.run()
            if model.getModelStatus() == optimal:
                lower[columns] = new_lower
                upper[columns] = new_upper
                break
            _set_bounds(model, columns, lower[columns], upper[columns])
        else:
            return None, fixes
    return None, fixes  # pragma: no cover - every step settles at least one binary


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
    raise AssertionError("no fractional binary to fix")  # pragma: no cover


def decode(problem: Problem, formulation: Formulation, value: FloatArray) -> Solution:
    """Read starts and power per slot from a column vector."""
    solution = Solution()
    count = problem.grid.count
    for number, job in enumerate(problem.jobs):
        if isinstance(job, CycleJob):
            columns = formulation.start_columns[number]
            solution.starts[number] = int(job.starts[int(np.argmax(value[columns]))])
            continue
        power = np.zeros(count)
        span = slice(job.first, job.end)
        on = formulation.on_columns[number]
        switched = np.where(on != NO_COLUMN, np.round(value[on]), 1.0)
        draw = formulation.power_columns[number]
        if (draw != NO_COLUMN).any():
            power[span] = np.where(switched > 0.5, np.clip(value[draw], 0.0, job.max_kw), 0.0)
            power[power < 1e-9] = 0.0
        else:
            power[span] = switched * job.max_kw
        solution.power[number] = power
    return solution


def encode(problem: Problem, formulation: Formulation, solution: Solution) -> FloatArray:
    """Write a solution's binaries into a column vector (continuous columns left at 0)."""
    value = np.zeros(formulation.columns)
    for number, job in enumerate(problem.jobs):
        if isinstance(job, CycleJob):
            columns = formulation.start_columns[number]
            value[columns] = job.starts == solution.starts[number]
            continue
        on = formulation.on_columns[number]
        present = on != NO_COLUMN
        power = solution.power[number][job.first : job.end]
        value[on[present]] = power[present] > 1e-9
    return value


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
    solution = polish(problem, decode(problem, formulation, value))
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
        seconds=time.perf_counter() - started,
    )
