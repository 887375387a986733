"""Appliance scheduling over known and forecast prices."""
