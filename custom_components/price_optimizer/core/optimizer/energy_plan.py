"""The plan's energy balance as the Home Assistant side reads it: per slot, and its bill.

``bill`` is what the household pays for the horizon's energy (import less export) with the
plan; ``bill_without_battery`` is the same appliances with the battery idle. The battery's
saving is their difference plus the change in stored energy at its end-of-horizon value, so
a battery that just empties itself is not counted as saving.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from ..convert import optional_float, rounded
from .energy import (
    BATTERY_MODES,
    BatteryMode,
    EnergyFlows,
    EnergyTerms,
    battery_modes,
    bill,
    flows_without_battery,
)
from .problem import Grid

FloatArray = np.typing.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class EnergySlot:
    """One slot's balance in kWh; ``stored_kwh`` is the battery's energy at its end."""

    start: datetime
    end: datetime
    import_price: float
    export_price: float
    grid_import_kwh: float
    grid_export_kwh: float
    solar_kwh: float
    curtailed_kwh: float
    base_kwh: float
    appliances_kwh: float
    charge_kwh: float
    discharge_kwh: float
    stored_kwh: float | None
    mode: BatteryMode | None

    @property
    def battery_kw(self) -> float:
        """Return the battery's mean power: positive charging, negative discharging."""
        hours = (self.end - self.start) / timedelta(hours=1)
        return (self.charge_kwh - self.discharge_kwh) / hours

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "import_price": rounded(self.import_price),
            "export_price": rounded(self.export_price),
            "grid_import_kwh": rounded(self.grid_import_kwh),
            "grid_export_kwh": rounded(self.grid_export_kwh),
            "solar_kwh": rounded(self.solar_kwh),
            "curtailed_kwh": rounded(self.curtailed_kwh),
            "base_kwh": rounded(self.base_kwh),
            "appliances_kwh": rounded(self.appliances_kwh),
            "charge_kwh": rounded(self.charge_kwh),
            "discharge_kwh": rounded(self.discharge_kwh),
            "battery_kw": rounded(self.battery_kw),
            "stored_kwh": rounded(self.stored_kwh),
            "mode": self.mode,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EnergySlot:
        """Rebuild a slot from :meth:`as_dict` output."""
        mode = data.get("mode")
        if mode is not None and mode not in BATTERY_MODES:
            raise ValueError(f"unknown battery mode {mode!r}")
        return cls(
            start=datetime.fromisoformat(data["start"]),
            end=datetime.fromisoformat(data["end"]),
            import_price=float(data["import_price"]),
            export_price=float(data["export_price"]),
            grid_import_kwh=float(data["grid_import_kwh"]),
            grid_export_kwh=float(data["grid_export_kwh"]),
            solar_kwh=float(data["solar_kwh"]),
            curtailed_kwh=float(data["curtailed_kwh"]),
            base_kwh=float(data["base_kwh"]),
            appliances_kwh=float(data["appliances_kwh"]),
            charge_kwh=float(data["charge_kwh"]),
            discharge_kwh=float(data["discharge_kwh"]),
            stored_kwh=optional_float(data.get("stored_kwh")),
            mode=mode,
        )


@dataclass(frozen=True, slots=True)
class EnergyPlan:
    """The household's balance over the plan's horizon."""

    slots: tuple[EnergySlot, ...]
    bill: float
    bill_without_battery: float
    battery_saving: float | None
    # Whether a solar forecast covered the horizon's slots (all, some or none of them).
    solar_slots_known: int
    battery_capacity_kwh: float | None = None

    @property
    def end_stored_kwh(self) -> float | None:
        """Return the battery's energy at the end of the horizon."""
        return self.slots[-1].stored_kwh if self.slots else None

    @property
    def end_soc(self) -> float | None:
        """Return the battery's state of charge (0-1) at the end of the horizon."""
        stored = self.end_stored_kwh
        if stored is None or not self.battery_capacity_kwh:
            return None
        return stored / self.battery_capacity_kwh

    def stored_at(self, when: datetime, initial_kwh: float) -> float:
        """Return the energy the plan expects stored at ``when``, from ``initial_kwh`` at its start.

        Within a slot the battery moves at its mean power, so the energy is interpolated
        between the slot's start and end. Before the first slot it holds ``initial_kwh``;
        after the last, what the last slot ends with.
        """
        before = initial_kwh
        for slot in self.slots:
            if slot.stored_kwh is None:
                return initial_kwh
            if when < slot.start:
                return before
            if when < slot.end:
                share = (when - slot.start) / (slot.end - slot.start)
                return before + share * (slot.stored_kwh - before)
            before = slot.stored_kwh
        return before

    def slot_at(self, when: datetime) -> EnergySlot | None:
        """Return the slot that covers ``when``."""
        return next((slot for slot in self.slots if slot.start <= when < slot.end), None)

    def boundary_after(self, when: datetime) -> datetime | None:
        """Return the first start or end of a slot after ``when``, None past the last slot."""
        return next(
            (edge for slot in self.slots for edge in (slot.start, slot.end) if edge > when), None
        )

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe form."""
        return {
            "bill": rounded(self.bill),
            "bill_without_battery": rounded(self.bill_without_battery),
            "battery_saving": rounded(self.battery_saving),
            "solar_slots_known": self.solar_slots_known,
            "battery_capacity_kwh": self.battery_capacity_kwh,
            "end_stored_kwh": rounded(self.end_stored_kwh),
            "slots": [slot.as_dict() for slot in self.slots],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EnergyPlan:
        """Rebuild a plan from :meth:`as_dict` output."""
        return cls(
            slots=tuple(EnergySlot.from_dict(slot) for slot in data.get("slots", ())),
            bill=float(data["bill"]),
            bill_without_battery=float(data["bill_without_battery"]),
            battery_saving=optional_float(data.get("battery_saving")),
            solar_slots_known=int(data.get("solar_slots_known", 0)),
            battery_capacity_kwh=optional_float(data.get("battery_capacity_kwh")),
        )


def energy_plan(
    grid: Grid, terms: EnergyTerms, flows: EnergyFlows, appliances_kwh: FloatArray
) -> EnergyPlan:
    """Return the plan's balance, its bill and the battery's saving."""
    battery = terms.battery
    modes = battery_modes(terms, flows, appliances_kwh)
    import_price = terms.payable_import
    slots = tuple(
        EnergySlot(
            start=grid.at(t),
            end=grid.at(t + 1),
            import_price=float(import_price[t]),
            export_price=float(terms.export_price[t]),
            grid_import_kwh=float(flows.grid_import[t]),
            grid_export_kwh=float(flows.grid_export[t]),
            solar_kwh=float(terms.solar_kwh[t]),
            curtailed_kwh=float(flows.curtailed[t]),
            base_kwh=float(terms.base_kwh[t]),
            appliances_kwh=float(appliances_kwh[t] + terms.running_kwh[t]),
            charge_kwh=float(flows.charge[t]),
            discharge_kwh=float(flows.discharge[t]),
            stored_kwh=None if battery is None else float(flows.stored[t]),
            mode=modes[t] if modes else None,
        )
        for t in range(terms.count)
    )
    with_plan = bill(terms, flows)
    without = bill(terms, flows_without_battery(terms, appliances_kwh))
    saving = None
    if battery is not None and terms.count:
        gained = (float(flows.stored[-1]) - battery.stored_kwh) * terms.end_value
        wear = battery.wear_cost * float(flows.discharge.sum())
        saving = without - with_plan + gained - wear
    return EnergyPlan(
        slots=slots,
        bill=with_plan,
        bill_without_battery=without,
        battery_saving=saving,
        solar_slots_known=int(terms.solar_known.sum()),
        battery_capacity_kwh=None if battery is None else battery.capacity_kwh,
    )


def marginal_price(terms: EnergyTerms, flows: EnergyFlows) -> FloatArray:
    """Return what one more kWh costs in each slot: the export forgone where the plan exports."""
    exporting = (flows.grid_export > 0) | (flows.curtailed > 0)
    forgone = np.where(flows.curtailed > 0, 0.0, terms.export_price)
    price: FloatArray = np.where(
        exporting & (flows.grid_import <= 0), forgone, terms.payable_import
    )
    return price


def from_optional_dict(data: Mapping[str, Any] | None) -> EnergyPlan | None:
    """Rebuild an optional plan (None stays None)."""
    return None if data is None else EnergyPlan.from_dict(data)
