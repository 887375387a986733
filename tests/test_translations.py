"""Every string of en.json renders in the frontend, and the code fills every placeholder it uses.

The frontend formats each translation with intl-messageformat (ICU message
syntax): ``{name}`` is an argument, ``<x>`` opens a tag (without its closing
tag the string fails with UNCLOSED_TAG, with one it needs a tag function that
no config flow passes), and an apostrophe before ``{`` or ``<`` quotes text.
hassfest refuses HTML in translations outright. The parser below accepts the
subset a translation may use: text and simple arguments, nothing else.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
import re

import pytest

from tests.translations import TRANSLATIONS

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "price_optimizer"

# What intl-messageformat reads as an argument name here: an identifier, nothing fancier.
ARGUMENT = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*")
# An apostrophe quotes when the next character is one of these (formatjs' rule).
QUOTABLE = frozenset("{}<>")


class MessageError(ValueError):
    """A string the frontend cannot format (or that only formats by accident)."""


def message_arguments(text: str) -> set[str]:
    """Return the argument names of ``text``; raise :class:`MessageError` if it does not parse."""
    names: set[str] = set()
    position = 0
    while position < len(text):
        char = text[position]
        following = text[position + 1 : position + 2]
        if char == "'" and following == "'":
            position += 2
        elif char == "'" and following in QUOTABLE:
            # Quoted text hides braces from the formatter, and the quote marks vanish.
            raise MessageError(f"quoted syntax at {position}: {text[position : position + 20]!r}")
        elif char == "<" and (following.isalpha() or following == "/"):
            raise MessageError(f"tag at {position}: {text[position : position + 20]!r}")
        elif char == "}":
            raise MessageError(f"unbalanced }} at {position}")
        elif char == "{":
            end = text.find("}", position)
            if end < 0:
                raise MessageError(f"unclosed {{ at {position}")
            match = ARGUMENT.fullmatch(text, position + 1, end)
            if match is None:
                raise MessageError(f"not a simple argument: {text[position : end + 1]!r}")
            names.add(match[1])
            position = end + 1
        else:
            position += 1
    return names


def strings(node: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield every string of the translations with its dotted key."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{path}.{key}" if path else key)
    elif isinstance(node, str):
        yield path, node


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("plain text, 3 < 4 and a > b", set()),
        ("{title} rejected {count } items", {"title", "count"}),
        ("it''s fine", set()),
        ("cmnd/TOPIC/POWER", set()),
    ],
)
def test_the_parser_reads_what_the_frontend_formats(text: str, names: set[str]) -> None:
    assert message_arguments(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Tasmota: cmnd/<topic>/POWER",
        "bold <b>text</b>",
        "closing </b> alone",
        "{unclosed",
        "stray } brace",
        "{}",
        "{two words}",
        "{count, plural, one {# item} other {# items}}",
        "'{title}' is quoted",
    ],
)
def test_the_parser_refuses_what_the_frontend_cannot_format(text: str) -> None:
    with pytest.raises(MessageError):
        message_arguments(text)


@pytest.mark.parametrize(("key", "text"), list(strings(TRANSLATIONS)))
def test_every_translation_formats_in_the_frontend(key: str, text: str) -> None:
    try:
        message_arguments(text)
    except MessageError as err:
        pytest.fail(f"{key}: {err}")


def provided_placeholders() -> Iterator[tuple[str, str, set[str]]]:
    """Yield (module, translation key, placeholder names) where the code passes them literally."""
    for path in sorted(INTEGRATION.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            keywords = {keyword.arg: keyword.value for keyword in call.keywords}
            for key_arg, values_arg in (
                ("translation_key", "translation_placeholders"),
                ("step_id", "description_placeholders"),
            ):
                key = keywords.get(key_arg)
                values = keywords.get(values_arg)
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(values, ast.Dict)
                    and all(isinstance(name, ast.Constant) for name in values.keys)
                ):
                    names = {name.value for name in values.keys if isinstance(name, ast.Constant)}
                    yield path.name, f"{key_arg}={key.value}", names


def strings_of(kind: str) -> list[str]:
    """Return the strings that a translation key or a step id names."""
    key_arg, key = kind.split("=")
    if key_arg == "step_id":
        steps = [TRANSLATIONS["config"]["step"], TRANSLATIONS["options"]["step"]]
        steps += [flow["step"] for flow in TRANSLATIONS["config_subentries"].values()]
        return [text for step in steps if key in step for _, text in strings(step[key])]
    parts = ("exceptions", "issues")
    found = [TRANSLATIONS[part][key] for part in parts if key in TRANSLATIONS[part]]
    return [text for node in found for _, text in strings(node)]


def test_the_code_provides_every_placeholder_its_strings_use() -> None:
    checked = 0
    for module, kind, names in provided_placeholders():
        texts = strings_of(kind)
        assert texts, f"{module}: {kind} has no translation"
        for text in texts:
            missing = message_arguments(text) - names
            assert not missing, f"{module}: {kind} uses {missing} the code does not pass"
            checked += 1
    # The reauthentication step, the repairs issues and the action errors are all found.
    assert checked >= 10


def test_every_step_whose_strings_have_placeholders_is_given_them() -> None:
    given = {kind.split("=")[1] for _, kind, _ in provided_placeholders() if "step_id=" in kind}
    flows = [TRANSLATIONS["config"], TRANSLATIONS["options"]]
    flows += list(TRANSLATIONS["config_subentries"].values())
    for flow in flows:
        for step_id, step in flow["step"].items():
            used = set().union(*(message_arguments(text) for _, text in strings(step)))
            assert not used or step_id in given, f"{step_id} uses {used}, never passed"
