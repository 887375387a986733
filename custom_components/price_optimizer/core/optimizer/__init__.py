"""Appliance scheduling over known and forecast prices (no Home Assistant imports).

The Home Assistant side calls:

* :func:`plan` with a :class:`PlanRequest` -> :class:`Schedule` (re-plans, ``get_plan``);
* :func:`estimate_savings` -> :class:`SavingsEstimate` (the ``estimate_savings`` action);
* :func:`find_cheapest_windows` -> list of :class:`PriceWindow` (``find_cheapest_window``);
* :func:`realised_costs` and :class:`SavingsLedger` once a run is done.

Appliance definitions (:class:`Appliance`, :func:`preset`) map 1:1 to subentry
data; anything that cannot be planned comes back as a :class:`PlanIssue`
(a translation key and its placeholders), never as a solver status.
"""

from .appliances import (
    APPLIANCE_KINDS,
    PRESETS,
    Appliance,
    ApplianceKind,
    ApplianceState,
    CyclePhase,
    preset,
)
from .battery import Battery
from .energy import BATTERY_MODES, BatteryMode
from .energy_plan import EnergyPlan, EnergySlot
from .issues import ISSUE_CODES, ApplianceError, PlanIssue, PlanningError
from .milp import SolveReport, SolverUnavailableError, available_backends
from .planner import plan
from .problem import PlanRequest, planning_start
from .savings import (
    SavingsEstimate,
    SavingsLedger,
    cycle_part,
    estimate_savings,
    profile_cost,
    realised_costs,
)
from .schedule import AppliancePlan, PlannedRun, Schedule
from .windows import PriceWindow, find_cheapest_windows

__all__ = [
    "APPLIANCE_KINDS",
    "BATTERY_MODES",
    "ISSUE_CODES",
    "PRESETS",
    "Appliance",
    "ApplianceError",
    "ApplianceKind",
    "AppliancePlan",
    "ApplianceState",
    "Battery",
    "BatteryMode",
    "CyclePhase",
    "EnergyPlan",
    "EnergySlot",
    "PlanIssue",
    "PlanRequest",
    "PlannedRun",
    "PlanningError",
    "PriceWindow",
    "SavingsEstimate",
    "SavingsLedger",
    "Schedule",
    "SolveReport",
    "SolverUnavailableError",
    "available_backends",
    "cycle_part",
    "estimate_savings",
    "find_cheapest_windows",
    "plan",
    "planning_start",
    "preset",
    "profile_cost",
    "realised_costs",
]
