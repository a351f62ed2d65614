"""Instruments: sets of leefgebieden with a scale. Data, never lists in templates.

The sets that ship with the product live in ``instruments.json``; a gemeente can add its own set (with its
own descriptions) to the ``instrument`` table, and chooses its set with ``Municipality.instrument_key``.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import N_, InvalidInput
from server.domain.models import Municipality
from server.domain.ratings.model import Instrument

DATA_FILE = Path(__file__).with_name("instruments.json")
DEFAULT_KEY = "zrm11"
KEY_RE = re.compile(r"^[a-z0-9_]{1,60}$")

# The traffic light, from worst to best; a scale of any length is spread over it.
LIGHTS = ("rood", "oranje", "geel", "lichtgroen", "groen")


@dataclass(frozen=True)
class ScaleStep:
    score: int
    label: str
    # 0 (worst) to 4 (best): which smiley and which traffic-light colour this score gets.
    mood: int
    # The step in the household's own words ("Het gaat matig"); the professional label when a set has none.
    household: str = ""

    @property
    def household_label(self) -> str:
        return self.household or self.label

    @property
    def light(self) -> str:
        return LIGHTS[self.mood]


@dataclass(frozen=True)
class LifeDomain:
    key: str
    name: str
    description: str = ""
    # The leefgebied in the household's own words ("Dagelijkse dingen" for "ADL-vaardigheden"), with its
    # one-line explanation; the professional name and explanation when a set has none.
    household_name: str = ""
    household_description: str = ""

    @property
    def plain_name(self) -> str:
        return self.household_name or self.name

    @property
    def plain_description(self) -> str:
        return self.household_description or self.description


@dataclass(frozen=True)
class InstrumentDef:
    key: str
    name: str
    domains: tuple[LifeDomain, ...]
    scale: tuple[ScaleStep, ...]

    @property
    def min_score(self) -> int:
        return self.scale[0].score

    @property
    def max_score(self) -> int:
        return self.scale[-1].score

    def domain(self, key: str) -> LifeDomain | None:
        return next((d for d in self.domains if d.key == key), None)

    def step(self, score: int) -> ScaleStep | None:
        return next((s for s in self.scale if s.score == score), None)

    def has_domain(self, key: str) -> bool:
        return self.domain(key) is not None

    def has_score(self, score: int) -> bool:
        return self.step(score) is not None

    def domain_name(self, key: str) -> str:
        domain = self.domain(key)
        return domain.name if domain else key

    def in_household_words(self, translate: Callable[[str], str] = str) -> InstrumentDef:
        """The same set as the household reads it: household names, explanations and step labels (through
        ``translate``, the current language's gettext) in place of the professional ones."""
        return replace(
            self,
            domains=tuple(
                replace(
                    d,
                    name=translate(d.plain_name),
                    description=translate(d.plain_description) if d.plain_description else "",
                )
                for d in self.domains
            ),
            scale=tuple(replace(s, label=translate(s.household_label)) for s in self.scale),
        )


def _steps(raw: list[dict[str, Any]]) -> tuple[ScaleStep, ...]:
    ordered = sorted(raw, key=lambda s: int(s["score"]))
    last = max(len(ordered) - 1, 1)
    return tuple(
        ScaleStep(
            score=int(s["score"]),
            label=str(s["label"]),
            mood=round(i * (len(LIGHTS) - 1) / last),
            household=" ".join(str(s.get("household") or "").split())[:120],
        )
        for i, s in enumerate(ordered)
    )


def parse_definition(data: dict[str, Any], scales: dict[str, list[dict[str, Any]]] | None = None) -> InstrumentDef:
    """Build an instrument from its JSON form; refuse anything incomplete with a Dutch message."""
    errors: dict[str, str] = {}
    key = str(data.get("key", ""))
    name = " ".join(str(data.get("name", "")).split())
    scale_raw = data.get("scale")
    if isinstance(scale_raw, str):
        scale_raw = (scales or {}).get(scale_raw)
    domains_raw = data.get("domains")
    if not KEY_RE.match(key):
        errors["key"] = N_("De sleutel bestaat uit kleine letters, cijfers en liggende streepjes.")
    if not name or len(name) > 120:
        errors["name"] = N_("Geef de set een naam van hoogstens 120 tekens.")
    if not isinstance(scale_raw, list) or not 2 <= len(scale_raw) <= 11:
        errors["scale"] = N_("Een schaal heeft 2 tot 11 stappen.")
    elif len({int(s.get("score", 0)) for s in scale_raw}) != len(scale_raw) or not all(
        str(s.get("label", "")).strip() for s in scale_raw
    ):
        errors["scale"] = N_("Elke stap van de schaal heeft een eigen score en een omschrijving.")
    if not isinstance(domains_raw, list) or not 1 <= len(domains_raw) <= 20:
        errors["domains"] = N_("Een set heeft 1 tot 20 leefgebieden.")
    elif len({str(d.get("key", "")) for d in domains_raw}) != len(domains_raw) or not all(
        KEY_RE.match(str(d.get("key", ""))) and str(d.get("name", "")).strip() for d in domains_raw
    ):
        errors["domains"] = N_("Elk leefgebied heeft een eigen sleutel en een naam.")
    if errors:
        raise InvalidInput(errors)
    assert isinstance(scale_raw, list)
    assert isinstance(domains_raw, list)
    return InstrumentDef(
        key=key,
        name=name,
        domains=tuple(
            LifeDomain(
                key=str(d["key"]),
                name=str(d["name"]).strip()[:120],
                description=str(d.get("description", ""))[:300],
                household_name=" ".join(str(d.get("household_name") or "").split())[:120],
                household_description=" ".join(str(d.get("household_description") or "").split())[:300],
            )
            for d in domains_raw
        ),
        scale=_steps(scale_raw),
    )


@cache
def built_in() -> dict[str, InstrumentDef]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return {item["key"]: parse_definition(item, data["scales"]) for item in data["instruments"]}


async def available(db: AsyncSession, municipality_id: uuid.UUID) -> dict[str, InstrumentDef]:
    """The sets a gemeente can choose from: the built-in ones and its own."""
    sets = dict(built_in())
    for row in await db.scalars(select(Instrument).where(Instrument.municipality_id == municipality_id)):
        sets[row.key] = parse_definition(row.definition)
    return sets


async def for_municipality(db: AsyncSession, municipality_id: uuid.UUID) -> InstrumentDef:
    """The set the gemeente uses; the default set when its choice is unknown."""
    municipality = await db.get(Municipality, municipality_id)
    return await by_key(db, municipality_id, municipality.instrument_key if municipality else DEFAULT_KEY)


async def by_key(db: AsyncSession, municipality_id: uuid.UUID, key: str) -> InstrumentDef:
    """The set with this key: a built-in one (no query), or the gemeente's own."""
    if key in built_in():
        return built_in()[key]
    row = await db.scalar(
        select(Instrument).where(Instrument.municipality_id == municipality_id, Instrument.key == key)
    )
    return parse_definition(row.definition) if row else built_in()[DEFAULT_KEY]


async def save_custom(
    db: AsyncSession, municipality_id: uuid.UUID, data: dict[str, Any], *, use: bool = False
) -> InstrumentDef:
    """Add or replace a gemeente's own set; optionally make it the set the gemeente uses."""
    definition = parse_definition(data)
    if definition.key in built_in():
        raise InvalidInput({"key": N_("Deze sleutel hoort bij een set die al bestaat. Kies een andere.")})
    stored = {
        "key": definition.key,
        "name": definition.name,
        "scale": [
            {"score": s.score, "label": s.label, **({"household": s.household} if s.household else {})}
            for s in definition.scale
        ],
        "domains": [
            {
                "key": d.key,
                "name": d.name,
                "description": d.description,
                **({"household_name": d.household_name} if d.household_name else {}),
                **({"household_description": d.household_description} if d.household_description else {}),
            }
            for d in definition.domains
        ],
    }
    row = await db.scalar(
        select(Instrument).where(Instrument.municipality_id == municipality_id, Instrument.key == definition.key)
    )
    if row is None:
        db.add(Instrument(municipality_id=municipality_id, key=definition.key, name=definition.name, definition=stored))
    else:
        row.name = definition.name
        row.definition = stored
    if use:
        municipality = await db.get(Municipality, municipality_id)
        if municipality is not None:
            municipality.instrument_key = definition.key
    await db.flush()
    return definition
