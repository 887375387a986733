"""Offline model building for the price forecast: data, training, evaluation and export.

Importing this package first registers the integration's pure packages (see
``integration.py``), so every module here may import ``custom_components...`` directly.
"""

from . import integration  # noqa: F401
