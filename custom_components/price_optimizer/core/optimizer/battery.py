"""A home battery as the optimizer sees it: what it holds now and what it may do.

One battery subentry maps to one :class:`Battery`. State of charge is kept in kWh inside the
optimizer; the settings take it as a share of the usable capacity, as inverters show it.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

from .issues import ApplianceError, issue


@dataclass(frozen=True, slots=True)
class Battery:
    """The battery's settings and its measured state of charge.

    ``wear_cost`` is paid per kWh taken out of the battery: one kWh cycled is charged once and
    discharged once, and counting it on the way out keeps the cost of energy still stored at
    the end of the horizon out of the plan. ``grid_charging`` lets the grid charge it;
    ``may_export`` lets its energy go to the grid (solar surplus is exported either way).
    """

    name: str
    capacity_kwh: float
    soc: float
    max_charge_kw: float
    max_discharge_kw: float
    min_soc: float = 0.1
    max_soc: float = 1.0
    charge_efficiency: float = 0.95
    discharge_efficiency: float = 0.95
    wear_cost: float = 0.0
    grid_charging: bool = True
    may_export: bool = False

    @property
    def stored_kwh(self) -> float:
        """Return the energy stored now (kWh)."""
        return self.soc * self.capacity_kwh

    @property
    def min_kwh(self) -> float:
        """Return the least energy the battery may hold."""
        return self.min_soc * self.capacity_kwh

    @property
    def max_kwh(self) -> float:
        """Return the most energy the battery may hold."""
        return self.max_soc * self.capacity_kwh

    def validate(self) -> None:
        """Raise :class:`ApplianceError` when the settings can never be planned with."""
        values = (
            self.capacity_kwh,
            self.soc,
            self.max_charge_kw,
            self.max_discharge_kw,
            self.min_soc,
            self.max_soc,
            self.charge_efficiency,
            self.discharge_efficiency,
            self.wear_cost,
        )
        if not all(map(math.isfinite, values)):
            raise ApplianceError(issue("battery_invalid", battery=self.name, setting="value"))
        checks = (
            ("capacity_kwh", self.capacity_kwh > 0),
            ("power", self.max_charge_kw >= 0 and self.max_discharge_kw >= 0),
            ("soc_range", 0 <= self.min_soc < self.max_soc <= 1),
            ("efficiency", 0 < self.charge_efficiency <= 1 and 0 < self.discharge_efficiency <= 1),
            ("wear_cost", self.wear_cost >= 0),
            ("soc", 0 <= self.soc <= 1),
        )
        for setting, valid in checks:
            if not valid:
                raise ApplianceError(issue("battery_invalid", battery=self.name, setting=setting))
