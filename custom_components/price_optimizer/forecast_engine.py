"""The forecast inside Home Assistant: shipped models, checked, run in the executor."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from functools import lru_cache
from pathlib import Path

from homeassistant.core import HomeAssistant

from .const import LOGGER
from .core.forecast import MODELS_DIR
from .core.forecast.predictor import ArtifactIntegrityError, Forecast, Forecaster
from .core.forecast.recalibration import Recalibration
from .core.prices import PriceSeries
from .repair_issues import async_clear_model_files_damaged, async_raise_model_files_damaged


@lru_cache(maxsize=2)
def _load_once(models_dir: Path) -> Forecaster:
    """Verify and load the shipped models once per process; every entry and reload shares them."""
    return Forecaster.load(models_dir)


class ForecastEngine:
    """Load the shipped models once and forecast without blocking the event loop.

    The lasso member keeps a cache that is not thread-safe, so forecasts run one
    at a time; a forecast takes milliseconds, plus a fraction of a second when a
    new origin needs the lasso refitted.
    """

    def __init__(self, hass: HomeAssistant, models_dir: Path = MODELS_DIR) -> None:
        """Prepare an engine for the models in ``models_dir``."""
        self._hass = hass
        self._models_dir = models_dir
        self.forecaster: Forecaster | None = None
        self.error: str | None = None

    async def async_load(self) -> bool:
        """Load and verify the models; on a damaged file raise a repair issue instead."""
        try:
            shared = await self._hass.async_add_executor_job(_load_once, self._models_dir)
        except (ArtifactIntegrityError, OSError, ValueError, KeyError) as err:
            self.error = str(err)
            LOGGER.error("The forecast is off: the shipped model files cannot be used: %s", err)
            async_raise_model_files_damaged(self._hass, str(err))
            return False
        # Each entry gets its own forecaster around the shared models: the lasso cache
        # belongs to one history.
        self.forecaster = Forecaster(shared.metadata, shared.network, shared.trees, shared.runtime)
        async_clear_model_files_damaged(self._hass)
        return True

    async def async_forecast(
        self,
        history: PriceSeries,
        zone: tzinfo,
        country: str | None,
        exogenous: Mapping[str, PriceSeries],
        market: str | None,
        *,
        recalibration: Recalibration,
    ) -> Forecast:
        """Forecast from the end of ``history`` in the executor, recalibrating as it goes.

        ``recalibration`` first scores what ``history`` published, then keeps this forecast;
        it is changed in the executor, so its owner reads it only between forecasts.
        """
        forecaster = self.forecaster
        if forecaster is None:
            raise RuntimeError("the forecast models are not loaded")
        return await self._hass.async_add_executor_job(
            lambda: forecaster.predict(
                history,
                zone,
                country,
                exogenous=exogenous,
                market=market,
                recalibration=recalibration,
            )
        )
