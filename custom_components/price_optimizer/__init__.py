"""Price Optimizer: cheaper appliance runs from day-ahead electricity prices.

Home Assistant reads the entry points from this module; they live in ``entry_points.py`` and
are imported when first asked for. So importing ``core`` (training, benchmarks, unit tests)
runs no Home Assistant import. By the time Home Assistant asks, the platforms it preloads in
its import executor (``config_flow``, ``diagnostics``) have imported the glue already.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .entry_points import (
        CONFIG_SCHEMA,
        PLATFORMS,
        async_remove_config_entry_device,
        async_remove_entry,
        async_setup,
        async_setup_entry,
        async_unload_entry,
    )

__all__ = [
    "CONFIG_SCHEMA",
    "PLATFORMS",
    "async_remove_config_entry_device",
    "async_remove_entry",
    "async_setup",
    "async_setup_entry",
    "async_unload_entry",
]


def __getattr__(name: str) -> Any:
    """Return an entry point, importing the Home Assistant side on first use."""
    if name in __all__:
        from . import entry_points  # noqa: PLC0415

        return getattr(entry_points, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
