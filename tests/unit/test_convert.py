"""Figures are rounded alike on every CPU, also where they lie halfway between two steps."""

from __future__ import annotations

import pytest

from custom_components.price_optimizer.core.convert import rounded, rounded_to


@pytest.mark.parametrize("noise", [-2e-16, 0.0, 2e-16, 1e-12, -1e-12])
def test_a_halfway_cost_rounds_the_same_whatever_its_last_bits(noise: float) -> None:
    # A price of five decimals times a quarter-hour's energy: exactly halfway at six decimals.
    # Summed in another order (another vector width) it carries other last bits.
    exact = 0.7771125 - 0.365775
    assert rounded(exact + noise) == rounded(0.4113375)
    assert rounded_to(5.7146425 + noise, 6) == rounded_to(5.7146425, 6)


def test_plain_values_round_as_round_does() -> None:
    assert rounded(1.23456789) == 1.234568
    assert rounded_to(-0.00004, 4) == round(-0.00004, 4)
    assert rounded(None) is None
