"""Tests for the Price Optimizer integration."""
