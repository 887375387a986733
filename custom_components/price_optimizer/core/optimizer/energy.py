"""The household's energy balance: solar, base load, appliances, a battery, import and export.

Per slot, in kWh::

    import + discharge + (solar - curtailed) = base + running + appliances + charge + export
    stored[t] = stored[t-1] + charge_efficiency * charge - discharge / discharge_efficiency

Import pays the household's total price and export earns the export price (signed); the
appliances' own columns then cost only what their risk setting adds over the median. Energy
still stored when the horizon ends is worth the horizon's lowest import price, times the
discharge efficiency, less the wear of taking it out. Without a value every plan would empty
the battery by its last slot; valued higher, a plan would fill it at the horizon's end for
a future it cannot see. At this value no plan charges only to hold energy past its horizon.

Import and export in the same slot only pay where export earns more than import costs; there
a binary keeps them apart, elsewhere the model never does both. Charging and discharging at
once only pay where import is paid for (negative prices), where another binary keeps them
apart. Solar that can go nowhere (an export limit, a negative export price) is curtailed.

Where the grid may not charge the battery, and for appliances that run only on surplus, the
grid covers at most the base load, what runs and the other appliances (and the charge where
the grid may charge) in every slot: the household's own energy covers the rest. Energy is
counted per slot, as a meter counts it: a slot that imports for the house while solar
charges the battery has charged from solar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal, Protocol

import numpy as np
import numpy.typing as npt

from ..prices import PriceSeries
from .battery import Battery
from .capacity_rows import ModelBuilder, entries_by_row

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Energies below this (kWh) are float noise of the solve.
ENERGY_EPSILON: Final = 1e-6
# What a kWh stored earns per slot it stays stored: far below any price, it only breaks ties.
# Solar surplus stored now or two hours later often costs the same in the plan; stored now,
# it is in the battery when the afternoon turns out cloudier than forecast (on the July
# backtest, planning without it exported all morning and filled the battery late).
STORAGE_TIE_BREAK: Final = 1e-6

BatteryMode = Literal["charge_grid", "charge_solar", "discharge", "hold", "self_consumption"]
BATTERY_MODES: tuple[BatteryMode, ...] = BatteryMode.__args__  # type: ignore[attr-defined]


class SolarProfile(Protocol):
    """What the planner asks of a solar forecast: the mean kW of each slot (None: unknown)."""

    def expected_kw(self, starts: Sequence[datetime], duration: timedelta) -> list[float | None]:
        """Mean PV power of each slot of ``duration`` from ``starts``."""
        ...


@dataclass(frozen=True, slots=True)
class EnergyTerms:
    """The balance's fixed parts on the grid: what the plan cannot move."""

    hours: float
    import_price: FloatArray
    export_price: FloatArray
    solar_kwh: FloatArray
    base_kwh: FloatArray
    running_kwh: FloatArray
    # Whether a solar forecast was given and covered the slot (unknown slots count as none).
    solar_known: BoolArray
    export_limit_kw: float | None
    battery: Battery | None
    import_limit_kw: float | None

    @property
    def count(self) -> int:
        """Return the number of slots."""
        return len(self.import_price)

    @property
    def priced(self) -> BoolArray:
        """Return which slots have a price (a gap in the prices has none)."""
        known: BoolArray = np.isfinite(self.import_price)
        return known

    @property
    def payable_import(self) -> FloatArray:
        """Return the import price of each slot, 0 where the slot has none."""
        price: FloatArray = np.where(self.priced, self.import_price, 0.0)
        return price

    @property
    def payable_export(self) -> FloatArray:
        """Return the export price of each slot, 0 where the slot has no price."""
        price: FloatArray = np.where(self.priced, self.export_price, 0.0)
        return price

    @property
    def end_value(self) -> float:
        """Return what a kWh still stored at the end of the horizon is worth."""
        battery = self.battery
        priced = self.import_price[np.isfinite(self.import_price)]
        if battery is None or not len(priced):
            return 0.0
        value = float(priced.min()) * battery.discharge_efficiency - battery.wear_cost
        return max(value, 0.0)

    @property
    def surplus_kwh(self) -> FloatArray:
        """Return the solar expected beyond the base load and what runs."""
        surplus: FloatArray = np.maximum(self.solar_kwh - self.base_kwh - self.running_kwh, 0.0)
        return surplus


@dataclass(frozen=True, slots=True)
class EnergyColumns:
    """Where the balance's decisions live among the model's columns (one per slot)."""

    grid_import: IntArray
    grid_export: IntArray
    curtailed: IntArray
    charge: IntArray
    discharge: IntArray
    stored: IntArray


@dataclass(slots=True)
class EnergyFlows:
    """The balance of one plan, kWh per slot; ``stored`` is the energy at each slot's end."""

    grid_import: FloatArray
    grid_export: FloatArray
    curtailed: FloatArray
    charge: FloatArray
    discharge: FloatArray
    stored: FloatArray


def energy_terms(
    *,
    starts: Sequence[datetime],
    step: timedelta,
    import_price: FloatArray,
    base_kwh: FloatArray,
    running_kwh: FloatArray,
    solar: SolarProfile | None,
    export_prices: PriceSeries | None,
    export_limit_kw: float | None,
    battery: Battery | None,
    import_limit_kw: float | None,
) -> EnergyTerms | None:
    """Return the balance's terms, or None when there is neither solar nor a battery."""
    if solar is None and battery is None:
        return None
    count = len(starts)
    hours = step / timedelta(hours=1)
    solar_kwh = np.zeros(count)
    known = np.zeros(count, dtype=bool)
    if solar is not None and count:
        expected = solar.expected_kw(starts, step)
        known = np.array([kw is not None for kw in expected], dtype=bool)
        solar_kwh = np.array([max(kw or 0.0, 0.0) * hours for kw in expected], dtype=np.float64)
    return EnergyTerms(
        hours=hours,
        import_price=import_price,
        export_price=_on_grid(export_prices, starts, step),
        solar_kwh=solar_kwh,
        base_kwh=base_kwh,
        running_kwh=running_kwh,
        solar_known=known,
        export_limit_kw=export_limit_kw,
        battery=battery,
        import_limit_kw=import_limit_kw,
    )


def _on_grid(series: PriceSeries | None, starts: Sequence[datetime], step: timedelta) -> FloatArray:
    """Return the series' price of each grid slot: 0 where it has none (export earns nothing)."""
    values = np.zeros(len(starts))
    if series is None:
        return values
    for index, start in enumerate(starts):
        slot = series.slot_at(start + step / 2)
        if slot is not None:
            values[index] = slot.price
    return values


def energy_rows(  # noqa: PLR0917
    builder: ModelBuilder,
    terms: EnergyTerms,
    load_slot: IntArray,
    load_column: IntArray,
    load_kwh: FloatArray,
    own_energy_only: BoolArray,
    most_load_kwh: FloatArray,
) -> EnergyColumns:
    """Add the balance's columns and rows.

    ``load_*`` are the appliances' entries: slot, column and kWh it draws there.
    ``own_energy_only`` marks the entries of appliances that run only on surplus.
    ``most_load_kwh`` is the most the appliances can draw per slot (bounds the binaries).
    """
    count = terms.count
    hours = terms.hours
    battery = terms.battery
    priced = terms.priced
    import_price = terms.payable_import
    export_price = terms.payable_export
    committed = terms.base_kwh + terms.running_kwh
    charge_most = np.zeros(count)
    discharge_most = np.zeros(count)
    if battery is not None:
        charge_most = np.where(priced, battery.max_charge_kw * hours, 0.0)
        discharge_most = np.where(priced, battery.max_discharge_kw * hours, 0.0)
    import_most = committed + most_load_kwh + charge_most
    if terms.import_limit_kw is not None:
        # The base load above the limit still comes from the grid: it is not the plan's doing.
        import_most = np.maximum(np.minimum(import_most, terms.import_limit_kw * hours), committed)
    export_most = terms.solar_kwh + (
        discharge_most if battery is not None and battery.may_export else 0.0
    )
    if terms.export_limit_kw is not None:
        export_most = np.minimum(export_most, terms.export_limit_kw * hours)
    grid_import = builder.columns(import_price, 0.0, import_most, integer=False)
    grid_export = builder.columns(-export_price, 0.0, export_most, integer=False)
    curtailed = builder.columns(np.zeros(count), 0.0, terms.solar_kwh, integer=False)
    wear = 0.0 if battery is None else battery.wear_cost
    charge = builder.columns(np.zeros(count), 0.0, charge_most, integer=False)
    discharge = builder.columns(np.full(count, wear), 0.0, discharge_most, integer=False)
    stored = _stored_columns(builder, terms)
    by_slot = entries_by_row(count, load_slot, load_column, load_kwh, builder.count)
    for t in range(count):
        columns, kwh = by_slot[t]
        builder.row(
            [
                int(grid_import[t]),
                int(grid_export[t]),
                int(charge[t]),
                int(discharge[t]),
                int(curtailed[t]),
                *columns,
            ],
            [1.0, -1.0, -1.0, 1.0, -1.0, *(-value for value in kwh)],
            float(committed[t] - terms.solar_kwh[t]),
            float(committed[t] - terms.solar_kwh[t]),
        )
    if battery is not None:
        _battery_rows(builder, battery, charge, discharge, stored)
        if not battery.may_export:
            # Only solar goes to the grid.
            for t in range(count):
                builder.row(
                    [int(grid_export[t]), int(curtailed[t])],
                    [1.0, 1.0],
                    -np.inf,
                    float(terms.solar_kwh[t]),
                )
    grid_feeds_charge = battery is None or battery.grid_charging
    if not grid_feeds_charge or own_energy_only.any():
        _own_energy_rows(
            builder,
            terms,
            grid_import,
            charge if grid_feeds_charge and battery else None,
            load_slot,
            load_column,
            load_kwh,
            own_energy_only,
        )
    _exclusive(
        builder,
        grid_import,
        grid_export,
        import_most,
        export_most,
        export_price > import_price + ENERGY_EPSILON,
    )
    if battery is not None:
        _exclusive(
            builder,
            charge,
            discharge,
            charge_most,
            discharge_most,
            (import_price < 0) & (charge_most > 0) & (discharge_most > 0),
        )
    return EnergyColumns(grid_import, grid_export, curtailed, charge, discharge, stored)


def _stored_columns(builder: ModelBuilder, terms: EnergyTerms) -> IntArray:
    battery = terms.battery
    count = terms.count
    if battery is None:
        return np.full(count, -1, dtype=np.int64)
    # A measured charge outside the bounds is where the battery is: the plan starts from it.
    low = min(battery.min_kwh, battery.stored_kwh)
    high = max(battery.max_kwh, battery.stored_kwh)
    lower = np.full(count, low)
    upper = np.full(count, high)
    cost = np.full(count, -STORAGE_TIE_BREAK)
    if count:
        cost[-1] -= terms.end_value
    return builder.columns(cost, lower, upper, integer=False)


def _battery_rows(
    builder: ModelBuilder,
    battery: Battery,
    charge: IntArray,
    discharge: IntArray,
    stored: IntArray,
) -> None:
    for t in range(len(charge)):
        index = [int(stored[t]), int(charge[t]), int(discharge[t])]
        value = [1.0, -battery.charge_efficiency, 1.0 / battery.discharge_efficiency]
        before = battery.stored_kwh
        if t:
            index.append(int(stored[t - 1]))
            value.append(-1.0)
            before = 0.0
        builder.row(index, value, before, before)


def _own_energy_rows(  # noqa: PLR0917
    builder: ModelBuilder,
    terms: EnergyTerms,
    grid_import: IntArray,
    charge: IntArray | None,
    load_slot: IntArray,
    load_column: IntArray,
    load_kwh: FloatArray,
    own_energy_only: BoolArray,
) -> None:
    """The grid covers the base load, what runs and the other appliances, nothing more."""
    grid_fed = ~own_energy_only
    by_slot = entries_by_row(
        terms.count,
        load_slot[grid_fed],
        load_column[grid_fed],
        load_kwh[grid_fed],
        builder.count,
    )
    committed = terms.base_kwh + terms.running_kwh
    for t in range(terms.count):
        columns, kwh = by_slot[t]
        index = [int(grid_import[t]), *columns]
        value = [1.0, *(-v for v in kwh)]
        if charge is not None:
            index.append(int(charge[t]))
            value.append(-1.0)
        builder.row(index, value, -np.inf, float(committed[t]))


def _exclusive(  # noqa: PLR0917
    builder: ModelBuilder,
    first: IntArray,
    second: IntArray,
    first_most: FloatArray,
    second_most: FloatArray,
    where: BoolArray,
) -> None:
    """Keep ``first`` and ``second`` from both flowing in the slots ``where`` says."""
    slots = np.flatnonzero(where & (first_most > 0) & (second_most > 0))
    if not len(slots):
        return
    binaries = builder.columns(np.zeros(len(slots)), 0.0, 1.0, integer=True)
    for binary, t in zip(binaries.tolist(), slots.tolist(), strict=True):
        builder.row([int(first[t]), binary], [1.0, -float(first_most[t])], -np.inf, 0.0)
        builder.row(
            [int(second[t]), binary], [1.0, float(second_most[t])], -np.inf, float(second_most[t])
        )


def read_flows(columns: EnergyColumns, value: FloatArray) -> EnergyFlows:
    """Read the balance from a column vector; a slot never shows import and export both."""
    imported = np.maximum(value[columns.grid_import], 0.0)
    exported = np.maximum(value[columns.grid_export], 0.0)
    both = np.minimum(imported, exported)
    charge = np.maximum(value[columns.charge], 0.0)
    discharge = np.maximum(value[columns.discharge], 0.0)
    has_battery = bool((columns.stored >= 0).all()) and len(columns.stored) > 0
    stored = value[columns.stored] if has_battery else np.zeros(len(columns.stored))
    return EnergyFlows(
        grid_import=_clean(imported - both),
        grid_export=_clean(exported - both),
        curtailed=_clean(np.maximum(value[columns.curtailed], 0.0)),
        charge=_clean(charge),
        discharge=_clean(discharge),
        stored=np.asarray(stored, dtype=np.float64),
    )


def _clean(values: FloatArray) -> FloatArray:
    cleaned: FloatArray = np.where(values < ENERGY_EPSILON, 0.0, values)
    return cleaned


def flows_cost(terms: EnergyTerms, flows: EnergyFlows) -> float:
    """Return what the balance costs: import, less export, wear, less the energy left stored."""
    cost = bill(terms, flows)
    if terms.battery is not None and terms.count:
        cost += terms.battery.wear_cost * float(flows.discharge.sum())
        cost -= terms.end_value * float(flows.stored[-1])
        cost -= STORAGE_TIE_BREAK * float(flows.stored.sum())
    return cost


def bill(terms: EnergyTerms, flows: EnergyFlows) -> float:
    """Return what the household pays for the horizon's energy (import less export)."""
    return float(
        flows.grid_import @ terms.payable_import - flows.grid_export @ terms.payable_export
    )


def flows_without_battery(terms: EnergyTerms, appliances_kwh: FloatArray) -> EnergyFlows:
    """Return the balance of the same appliances with the battery left idle.

    Solar covers the house first, the rest is exported up to the export limit where export
    earns something, and curtailed otherwise.
    """
    net = terms.base_kwh + terms.running_kwh + appliances_kwh - terms.solar_kwh
    surplus = np.maximum(-net, 0.0)
    limit = np.inf if terms.export_limit_kw is None else terms.export_limit_kw * terms.hours
    exported = np.where(terms.export_price >= 0, np.minimum(surplus, limit), 0.0)
    zeros = np.zeros(terms.count)
    stored = np.full(terms.count, 0.0 if terms.battery is None else terms.battery.stored_kwh)
    return EnergyFlows(
        grid_import=np.maximum(net, 0.0),
        grid_export=exported,
        curtailed=surplus - exported,
        charge=zeros,
        discharge=zeros.copy(),
        stored=stored,
    )


def battery_modes(
    terms: EnergyTerms, flows: EnergyFlows, appliances_kwh: FloatArray
) -> tuple[BatteryMode, ...]:
    """Return what the battery does in each slot, as an inverter's mode.

    *self_consumption*: it moves as a plain self-consumption inverter would (it takes the
    solar surplus it has room for, covers the house from what it holds, or has nothing to
    do). *charge_grid*: the grid charges it. *charge_solar*: it takes less of the surplus
    than it could, the rest is exported. *discharge*: it gives more than the house needs (to
    the grid) or less than it could. *hold*: it stays idle where it could cover the house.
    """
    battery = terms.battery
    if battery is None:
        return ()
    modes: list[BatteryMode] = []
    previous = battery.stored_kwh
    house = terms.base_kwh + terms.running_kwh + appliances_kwh
    for t in range(terms.count):
        room = max(battery.max_kwh - previous, 0.0) / battery.charge_efficiency
        available = max(previous - battery.min_kwh, 0.0) * battery.discharge_efficiency
        surplus = max(terms.solar_kwh[t] - house[t], 0.0)
        need = max(house[t] - terms.solar_kwh[t], 0.0)
        would_charge = min(surplus, battery.max_charge_kw * terms.hours, room)
        would_discharge = min(need, battery.max_discharge_kw * terms.hours, available)
        charge = flows.charge[t]
        discharge = flows.discharge[t]
        tolerance = 1e-4 + 1e-3 * max(would_charge, would_discharge, charge, discharge)
        if charge > ENERGY_EPSILON:
            if charge > surplus + tolerance:
                modes.append("charge_grid")
            elif abs(charge - would_charge) <= tolerance:
                modes.append("self_consumption")
            else:
                modes.append("charge_solar")
        elif discharge > ENERGY_EPSILON:
            if abs(discharge - would_discharge) <= tolerance:
                modes.append("self_consumption")
            else:
                modes.append("discharge")
        elif would_discharge > tolerance or would_charge > tolerance:
            modes.append("hold")
        else:
            modes.append("self_consumption")
        previous = float(flows.stored[t])
    return tuple(modes)
