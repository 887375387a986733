"""The forecast coordinator: fill the horizon beyond the published prices, and score it.

It follows the price coordinator. Whenever new market prices arrive it scores the
forecasts made before them, adds them to the long hourly history the refitted lasso
learns from, and forecasts again from the new end of the known prices, in the executor.
Known prices always win: the price plan is the forecast with the market prices laid
over it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, Literal

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .const import ATTR_MARKET_PRICE, CONF_AREA, DOMAIN, LOGGER
from .core.forecast.accuracy import LiveAccuracy
from .core.forecast.history import HourlyHistory
from .core.forecast.markets import validated_market
from .core.forecast.predictor import NotEnoughHistoryError
from .core.forecast.recalibration import Recalibration
from .core.prices import PriceSeries, PriceSlot
from .core.sources.base import ExogenousSeries, SourceError
from .core.sources.entity_formats import series_from_history
from .forecast_engine import ForecastEngine
from .recorder_history import async_recorded_changes
from .storage import forecast_store

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from .coordinator import PriceCoordinator

# The lasso's shortest calibration window (56 days) plus its week of lags serve after this.
BACKFILL: Final = timedelta(days=92)
BACKFILL_CHUNK: Final = timedelta(days=7)
# The longest lasso window (1092 days) plus a week; one float per hour stays small.
LONG_HISTORY_KEPT: Final = timedelta(days=1099)
HOUR: Final = timedelta(hours=1)

ForecastStatus = Literal["ok", "waiting_for_history", "unavailable"]


def exogenous_channels(series: tuple[ExogenousSeries, ...]) -> dict[str, PriceSeries]:
    """Return the forecaster's ``load`` and ``supply`` channels from the source's forecasts.

    ``supply`` is wind plus solar, as the models were trained; an hour counts only when
    every kind the source publishes is there.
    """
    channels: dict[str, PriceSeries] = {}
    for item in series:
        if item.kind == "load_forecast":
            channels["load"] = PriceSeries.from_unsorted(
                PriceSlot(point.start, point.duration, point.value) for point in item.points
            )
    supply = [item for item in series if item.kind != "load_forecast"]
    if supply:
        totals: dict[tuple[datetime, timedelta], list[float]] = {}
        for item in supply:
            for point in item.points:
                totals.setdefault((point.start, point.duration), []).append(point.value)
        channels["supply"] = PriceSeries.from_unsorted(
            PriceSlot(start, duration, sum(values))
            for (start, duration), values in totals.items()
            if len(values) == len(supply)
        )
    return channels


@dataclass(frozen=True, slots=True)
class ForecastData:
    """The latest forecast, in market prices per kWh, and how it was made."""

    status: ForecastStatus
    forecast: PriceSeries = field(default_factory=PriceSeries)
    generated_at: datetime | None = None
    origin: datetime | None = None
    members: tuple[str, ...] = ()
    runtime: str | None = None
    exogenous_missing: tuple[str, ...] = ()
    linear_windows: tuple[int, ...] = ()
    weights: dict[str, float] = field(default_factory=dict)
    band_factors: dict[str, list[float]] = field(default_factory=dict)
    recalibration_hours: int = 0
    history_hours: int = 0
    ready_at: datetime | None = None
    error: str | None = None
    accuracy: dict[str, Any] = field(default_factory=dict)


class ForecastCoordinator(DataUpdateCoordinator[ForecastData]):
    """Forecast after each publication, keep the history and the live accuracy."""

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        config_entry: ConfigEntry,
        prices: PriceCoordinator,
        engine: ForecastEngine,
    ) -> None:
        """Follow ``prices`` and forecast with ``engine``."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=config_entry,
            name=f"{DOMAIN} {config_entry.title} forecast",
            update_interval=None,
        )
        self.prices = prices
        self.engine = engine
        self._store = forecast_store(hass, config_entry.entry_id)
        self._history = HourlyHistory()
        self._accuracy = LiveAccuracy()
        self._recalibration = Recalibration()
        self._inputs: tuple[Any, ...] | None = None
        self._backfilled = False

    async def async_start(self) -> None:
        """Load the history kept before the last restart and the models, then forecast.

        It runs after the entry's setup, in the background: the forecast entities wait
        for it, the rest of the entry does not.
        """
        # Home Assistant runs the setup only before a first refresh made during the entry's.
        await self._async_setup()
        await self.async_refresh()

    async def _async_setup(self) -> None:
        """Load the history and accuracy kept before the last restart, the models, follow prices."""
        stored = await self._store.async_load() or {}
        self._history = HourlyHistory.from_dict(stored.get("history", {}))
        self._accuracy = LiveAccuracy.from_dict(stored.get("accuracy", {}))
        self._recalibration = Recalibration.from_dict(stored.get("recalibration", {}))
        self._backfilled = bool(stored.get("backfilled"))
        await self.engine.async_load()
        self.config_entry.async_on_unload(self.prices.async_add_listener(self._prices_updated))

    @callback
    def _prices_updated(self) -> None:
        """Forecast again only when the inputs changed, not at every slot boundary."""
        if self._current_inputs() != self._inputs:
            self.hass.async_create_task(self.async_refresh(), eager_start=False)
        elif self.data is not None:
            # The price plan starts at the current slot: entities move on with it.
            self.async_update_listeners()

    def _current_inputs(self) -> tuple[Any, ...]:
        data = self.prices.data
        return (data.raw.end, len(data.raw), tuple((s.kind, s.end) for s in data.exogenous))

    @property
    def price_plan(self) -> PriceSeries:
        """Return what the household pays per slot: published prices, then the forecast.

        The forecast is of market prices, like its history; the tariff is applied here, once.
        """
        known = self.prices.data.prices
        if self.data is None or not self.data.forecast:
            return known
        forecast, _ = self.prices.household.priced(self.data.forecast)
        return forecast.merged_with(known)

    @property
    def export_plan(self) -> PriceSeries | None:
        """Return what exporting earns per slot, on the same slots; None without an export price."""
        market = self.prices.data.raw
        if self.data is not None and self.data.forecast:
            market = self.data.forecast.merged_with(market)
        return self.prices.household.export_prices(market)

    async def _async_update_data(self) -> ForecastData:
        """Score earlier forecasts, extend the history and forecast from the new origin."""
        now = dt_util.utcnow()
        prices = self.prices.data
        raw = prices.raw
        self._inputs = self._current_inputs()
        self._accuracy.score(raw, now)
        self._history = self._history.with_prices(raw).trimmed(LONG_HISTORY_KEPT)
        if not self._backfilled:
            self._backfilled = True
            self.config_entry.async_create_background_task(
                self.hass, self._async_backfill(), f"{DOMAIN} forecast history"
            )
        data = await self._async_forecast(raw, prices.exogenous, now)
        await self._store.async_save(
            {
                "history": self._history.as_dict(),
                "accuracy": self._accuracy.as_dict(),
                "recalibration": self._recalibration.as_dict(),
                "backfilled": self._backfilled,
            }
        )
        return data

    async def _async_forecast(
        self, raw: PriceSeries, exogenous: tuple[ExogenousSeries, ...], now: datetime
    ) -> ForecastData:
        waiting = ForecastData(
            status="waiting_for_history",
            history_hours=self._history.hours_known,
            accuracy=self._accuracy.summary(),
        )
        if self.engine.forecaster is None:
            return replace(waiting, status="unavailable", error=self.engine.error)
        if raw.start is None or raw.end is None:
            return waiting
        history = self._history.as_series(raw.start, raw.currency).merged_with(raw)
        try:
            forecast = await self.engine.async_forecast(
                history,
                dt_util.get_default_time_zone(),
                self.hass.config.country,
                exogenous_channels(exogenous),
                validated_market(self.config_entry.data.get(CONF_AREA)),
                recalibration=self._recalibration,
            )
        except NotEnoughHistoryError as err:
            LOGGER.info("%s: no forecast yet: %s", self.config_entry.title, err)
            return replace(waiting, ready_at=err.ready_at)
        # A millionth of a currency unit per kWh is finer than any tariff.
        series = PriceSeries(
            tuple(
                replace(
                    slot,
                    price=round(slot.price, 6),
                    lower=None if slot.lower is None else round(slot.lower, 6),
                    upper=None if slot.upper is None else round(slot.upper, 6),
                )
                for slot in forecast.as_series(raw.currency)
            ),
            raw.currency,
        )
        self._accuracy.issue(raw.end, series)
        return replace(
            waiting,
            status="ok",
            forecast=series,
            generated_at=now,
            origin=raw.end,
            members=forecast.members,
            runtime=forecast.runtime,
            exogenous_missing=forecast.exogenous_missing,
            linear_windows=forecast.linear_windows,
            weights=dict(forecast.weights),
            band_factors={
                side: [round(factor, 3) for factor in by_day]
                for side, by_day in self._recalibration.band_factors().items()
            },
            recalibration_hours=self._recalibration.scored_hours,
        )

    async def _async_backfill(self) -> None:
        """Ask the source for the months before the held prices, a week at a time.

        The refitted lasso needs about two months. Where the source keeps no history, the
        recorder's states of the current-price sensor fill in; otherwise the history
        grows as prices are published.
        """
        first = self._history.first_known or dt_util.utcnow()
        target = dt_util.utcnow() - BACKFILL
        end = first
        fetched = 0
        while end > target:
            start = max(end - BACKFILL_CHUNK, target)
            try:
                series = await self.prices.source.async_fetch(start, end)
            except SourceError as err:
                LOGGER.debug("%s: history before %s not available: %s", self.name, end, err)
                break
            if not series:
                break
            self._history = self._history.with_prices(series)
            fetched += len(series)
            end = start
        if end > target:
            recorded = await self._async_recorded_prices(target, end)
            self._history = self._history.with_prices(recorded)
            fetched += len(recorded)
        if fetched:
            LOGGER.info("%s: %s earlier prices added to the forecast history", self.name, fetched)
            self._inputs = None
            await self.async_refresh()

    async def _async_recorded_prices(self, start: datetime, end: datetime) -> PriceSeries:
        """Return the market prices the current-price sensor recorded beside its totals."""
        entity_id = er.async_get(self.hass).async_get_entity_id(
            "sensor", DOMAIN, f"{self.config_entry.entry_id}_current_price"
        )
        if entity_id is None:
            return PriceSeries()
        changes = await async_recorded_changes(
            self.hass, entity_id, start, attribute=ATTR_MARKET_PRICE
        )
        return series_from_history(changes, HOUR, end, "", 1.0).between(start, end)
