"""Every file the integration keeps under ``.storage``: its key, its version and its migration.

An entry keeps its Stores: the prices (``price_optimizer.<entry_id>``), the forecast's
history and accuracy (``.forecast``), the appliance records and schedule (``.plan``),
the plugs' commands (``.control``), the learnt household load (``.household_load``) and
what was set on the battery's inverter (``.battery_control``). Each is at version 1.1, the
shape every release so far has written (the prices at 1.2). A later release that changes a
shape bumps its version here and migrates in :meth:`EntryStore._async_migrate_func`.

A file written by a newer major version (Home Assistant restored to an older release of
the integration) cannot be read: the entry starts without it and never writes it, so the
newer release finds it again when it comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from homeassistant import exceptions as ha_exceptions
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store

from .const import DOMAIN, LOGGER


@dataclass(frozen=True, slots=True)
class StoreKind:
    """One kind of file an entry keeps: what follows the entry id in its key, and its version."""

    suffix: str
    version: int
    minor_version: int

    def key(self, entry_id: str) -> str:
        """Return the storage key of the entry's file of this kind."""
        return f"{DOMAIN}.{entry_id}{self.suffix}"


# 1.2 keeps the fetched Datahub tariff under "datahub"; 1.1 readers ignore it, and a 1.1 file
# reads as an entry that has fetched none yet.
PRICES: Final = StoreKind(suffix="", version=1, minor_version=2)
FORECAST: Final = StoreKind(suffix=".forecast", version=1, minor_version=2)
PLAN: Final = StoreKind(suffix=".plan", version=1, minor_version=1)
CONTROL: Final = StoreKind(suffix=".control", version=1, minor_version=1)
HOUSEHOLD_LOAD: Final = StoreKind(suffix=".household_load", version=1, minor_version=1)
BATTERY_CONTROL: Final = StoreKind(suffix=".battery_control", version=1, minor_version=1)
STORE_KINDS: Final = (PRICES, FORECAST, PLAN, CONTROL, HOUSEHOLD_LOAD, BATTERY_CONTROL)


class FutureStoreVersionError(HomeAssistantError):
    """A stored file was written by a newer major version than this release reads."""


# Home Assistant refuses such a file itself from 2026 on, before asking the migration.
_TOO_NEW: Final[tuple[type[HomeAssistantError], ...]] = (
    FutureStoreVersionError,
    *(
        [found]
        if isinstance(found := getattr(ha_exceptions, "UnsupportedStorageVersionError", None), type)
        and issubclass(found, HomeAssistantError)
        else []
    ),
)


class EntryStore(Store[dict[str, Any]]):
    """A Store of one entry, read in its kind's version and left alone when too new."""

    def __init__(self, hass: HomeAssistant, kind: StoreKind, entry_id: str) -> None:
        """Open the entry's file of ``kind``."""
        super().__init__(hass, kind.version, kind.key(entry_id), minor_version=kind.minor_version)
        self.kind = kind

    async def async_load(self) -> dict[str, Any] | None:
        """Return the stored data in this release's shape, or None when there is none to read."""
        try:
            return await super().async_load()
        except _TOO_NEW as err:
            LOGGER.error(
                "%s was written by a newer release of the integration and is left untouched; "
                "this entry starts without it: %s",
                self.path,
                err,
            )
            # Whatever this release saves would overwrite what the newer one kept.
            self.make_read_only()
            return None

    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> dict[str, Any]:
        """Return ``old_data`` in this release's shape.

        A newer minor version only adds what this release ignores, so it reads as it is.
        """
        if old_major_version > self.kind.version:
            raise FutureStoreVersionError(
                f"{self.key} has version {old_major_version}.{old_minor_version}, "
                f"this release reads up to {self.kind.version}"
            )
        return old_data


def price_store(hass: HomeAssistant, entry_id: str) -> EntryStore:
    """Return the Store that keeps an entry's prices across restarts."""
    return EntryStore(hass, PRICES, entry_id)


def forecast_store(hass: HomeAssistant, entry_id: str) -> EntryStore:
    """Return the Store that keeps an entry's forecast history and live accuracy."""
    return EntryStore(hass, FORECAST, entry_id)


def plan_store(hass: HomeAssistant, entry_id: str) -> EntryStore:
    """Return the Store that keeps an entry's appliance records and schedule."""
    return EntryStore(hass, PLAN, entry_id)


def control_store(hass: HomeAssistant, entry_id: str) -> EntryStore:
    """Return the Store that keeps an entry's commands and what its plugs said."""
    return EntryStore(hass, CONTROL, entry_id)


def battery_control_store(hass: HomeAssistant, entry_id: str) -> EntryStore:
    """Return the Store that keeps what was set on the battery's inverter, and any override."""
    return EntryStore(hass, BATTERY_CONTROL, entry_id)


def household_store(hass: HomeAssistant, entry_id: str) -> EntryStore:
    """Return the Store that keeps an entry's learnt base load and month peaks."""
    return EntryStore(hass, HOUSEHOLD_LOAD, entry_id)


async def async_remove_stores(hass: HomeAssistant, entry_id: str) -> None:
    """Delete every file a removed entry kept."""
    for kind in STORE_KINDS:
        await EntryStore(hass, kind, entry_id).async_remove()
