"""Every source's form: translated fields, translated options, only the source's own areas."""

from __future__ import annotations

from homeassistant.helpers import selector
import pytest

from custom_components.price_optimizer.config_flow import FORMS
from tests.translations import TRANSLATIONS


@pytest.mark.parametrize("source", list(FORMS))
def test_every_field_and_option_of_a_source_step_is_translated(source: str) -> None:
    step = TRANSLATIONS["config"]["step"][source]
    assert source in TRANSLATIONS["config"]["step"]["user"]["menu_options"]
    schema = FORMS[source].schema({})
    for key, field in schema.schema.items():
        assert str(key) in step["data"], f"{source}: {key} has no label"
        assert str(key) in step["data_description"], f"{source}: {key} has no description"
        if isinstance(field, selector.SelectSelector) and field.config.get("translation_key"):
            labels = TRANSLATIONS["selector"][field.config["translation_key"]]["options"]
            offered = {str(option) for option in field.config["options"]}
            assert offered <= set(labels), f"{source}: {offered - set(labels)} untranslated"


def test_reauth_step_describes_every_credential() -> None:
    step = TRANSLATIONS["config"]["step"]["reauth_confirm"]
    for form in FORMS.values():
        for key in form.credentials:
            assert key in step["data"]
            assert key in step["data_description"]
