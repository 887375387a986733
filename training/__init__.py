"""Offline model building for the price forecast: data, training, evaluation and export.

Every module here imports the integration's engine, ``custom_components.price_optimizer.core``,
directly: it needs no Home Assistant.
"""
