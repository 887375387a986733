"""How precisely prices and money are shown: in action answers and in sensor states.

Prices after VAT and fees carry float noise (0.29760709999999996); nobody pays
in units finer than these, so every value is rounded here, once, before a
person or an automation sees it.
"""

from __future__ import annotations

from typing import Any, Final

from .core.convert import rounded_to

# Prices per kWh: a hundredth of a cent is still visible at low prices.
PRICE_DECIMALS: Final = 5
# Costs and savings in the currency.
MONEY_DECIMALS: Final = 4

PRICE_KEYS: Final = frozenset({"price", "lower", "upper", "average_price"})
MONEY_KEYS: Final = frozenset(
    {
        "cost",
        "planned_cost",
        "baseline_cost",
        "savings",
        "run_now_cost",
        "optimised_cost",
        "expected_cost",
        "expected_savings",
        "realised_savings",
        "paid",
        "baseline",
    }
)


def price(value: float | None) -> float | None:
    """Return a price per kWh rounded to :data:`PRICE_DECIMALS`."""
    return None if value is None else rounded_value(value, PRICE_DECIMALS)


def money(value: float | None) -> float | None:
    """Return an amount of money rounded to :data:`MONEY_DECIMALS`."""
    return None if value is None else rounded_value(value, MONEY_DECIMALS)


def rounded_value[T](value: T, decimals: int) -> T:
    """Return a float rounded to ``decimals``; other values (times, text, counts) as they are."""
    if isinstance(value, float):
        # Adding zero turns a -0.0 (a tiny negative rounded) into 0.0, which reads "0.00".
        return rounded_to(value, decimals) + 0.0  # type: ignore[return-value]
    return value


def rounded[T](data: T) -> T:
    """Return ``data`` with every price and money value, at any depth, rounded by its key."""
    if isinstance(data, dict):
        return {key: _rounded_item(key, value) for key, value in data.items()}  # type: ignore[return-value]
    if isinstance(data, list):
        return [rounded(item) for item in data]  # type: ignore[return-value]
    return data


def _rounded_item(key: str, value: Any) -> Any:
    if isinstance(value, float):
        if key in PRICE_KEYS:
            return price(value)
        if key in MONEY_KEYS:
            return money(value)
        return value
    return rounded(value)
