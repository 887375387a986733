"""Every reason a tariff is refused, and each repair issue of the tariff, reads in English."""

from __future__ import annotations

from custom_components.price_optimizer.core.tariffs.issues import TARIFF_ISSUE_CODES
from tests.translations import TRANSLATIONS


def test_every_tariff_issue_code_is_a_translated_form_error() -> None:
    errors = TRANSLATIONS["options"]["error"]
    assert [code for code in TARIFF_ISSUE_CODES if not errors.get(code)] == []


def test_the_tariff_repair_issues_are_translated() -> None:
    issues = TRANSLATIONS["issues"]
    for key in ("tariff_invalid", "tariff_expired"):
        assert issues[key]["title"].startswith("{title}")
        assert issues[key]["description"]
