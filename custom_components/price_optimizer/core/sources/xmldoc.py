"""Namespace-agnostic reading of the IEC 62325 market documents ENTSO-E returns."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from .base import SourceDataError


def parse_document(text: str) -> ET.Element:
    """Return the root element of an XML reply, or raise :class:`SourceDataError`.

    Market documents never carry a DTD; refusing one keeps entity expansion
    (the "billion laughs" family) out of the parser without another dependency.
    """
    head = text[:2048]
    if "<!DOCTYPE" in head or "<!ENTITY" in head:
        raise SourceDataError("the reply declares a DTD, which market documents never do")
    try:
        return ET.fromstring(text)  # noqa: S314 - no DTD, checked above
    except ET.ParseError as err:
        raise SourceDataError(f"the reply is not well-formed XML ({err})") from err


def local_name(element: ET.Element) -> str:
    """Return the tag without its namespace."""
    return element.tag.rsplit("}", 1)[-1]


def child_text(element: ET.Element, path: str) -> str | None:
    """Return the stripped text at ``path`` (slash-separated local names), if present."""
    found = element.find("/".join(f"{{*}}{part}" for part in path.split("/")))
    if found is None or found.text is None:
        return None
    return found.text.strip()


def required_text(element: ET.Element, path: str) -> str:
    """Return the text at ``path`` or raise :class:`SourceDataError` naming it."""
    value = child_text(element, path)
    if value is None:
        raise SourceDataError(f"{local_name(element)} has no {path}")
    return value


def children(element: ET.Element, name: str) -> list[ET.Element]:
    """Return the direct children called ``name``, whatever their namespace."""
    return element.findall(f"{{*}}{name}")
