"""A gemeente loads its own set of leefgebieden; its households are then rated on that set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from server.cli import main
from server.config import Settings
from server.demo import load_instrument
from tests.factories import make_household, make_world, signed_in_as

OWN_SET = {
    "key": "lukt_het",
    "name": "Lukt het een beetje?",
    "scale": [{"score": 1, "label": "het lukt niet"}, {"score": 2, "label": "een beetje"}, {"score": 3, "label": "ja"}],
    "domains": [
        {"key": "thuis", "name": "Thuis", "description": "Hoe het thuis gaat."},
        {"key": "geld", "name": "Geld", "description": "Rondkomen van wat er binnenkomt."},
    ],
}


async def test_a_gemeente_uses_its_own_set_after_loading_it(
    client: AsyncTestClient[Litestar], db: AsyncSession, settings: Settings
) -> None:
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur)
    assert await load_instrument(settings, gemeente=world.municipality.slug, data=OWN_SET, use=True) == OWN_SET["name"]

    await signed_in_as(client, db, anouk)
    page = await client.get(f"/huishoudens/{household.id}/scores")
    assert "Rondkomen van wat er binnenkomt." in page.text
    assert "een beetje" in page.text
    assert "Financiën" not in page.text


def test_an_incomplete_set_is_refused_with_the_reason(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "set.json"
    source.write_text(json.dumps({**OWN_SET, "domains": []}), encoding="utf-8")
    monkeypatch.setenv("ONSPLAN_DATABASE_URL", settings.database_url)
    assert main(["instrument", str(source), "--gemeente", "bestaat-niet"]) == 2
    assert "leefgebieden" in capsys.readouterr().err


def test_the_command_loads_a_set_from_a_file(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "set.json"
    source.write_text(json.dumps(OWN_SET), encoding="utf-8")
    monkeypatch.setenv("ONSPLAN_DATABASE_URL", settings.database_url)
    assert main(["instrument", str(source), "--gemeente", "bestaat-niet"]) == 2
    assert "bestaat niet" in capsys.readouterr().err
