"""Dossier in eigen hand: the household downloads everything as PDF and JSON; nobody else can."""

from __future__ import annotations

import io
import json
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import signed_in_as
from tests.integration.test_intake import completed_intake
from tests.integration.test_network import add_person
from tests.integration.test_plan import GOAL_TEXT, add_action, member_with_plan
from tests.integration.test_ratings import tap


async def test_member_downloads_the_whole_dossier_as_json(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, goal = await member_with_plan(client, db, submit)
    await add_action(submit, household, goal, who_type="vrijwilliger")
    await tap(submit, household, "sociaal_netwerk", "2", note="Ik ken hier bijna niemand.")
    response = await client.get(f"/huishoudens/{household.id}/dossier.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    data = json.loads(response.content)
    assert data["huishouden"]["naam"] == household.name
    assert data["doelen"][0]["doel"] == GOAL_TEXT
    assert data["doelen"][0]["acties"][0]["wie"] == "vrijwilliger"
    assert data["metingen"][0]["scores"] == [
        {"leefgebied": "Sociaal netwerk", "score": 2, "toelichting": "Ik ken hier bijna niemand."}
    ]
    assert any("schreef een doel" in item["wat"] for item in data["tijdlijn"])
    assert isinstance(data["wie_keek"], list)


async def test_the_dossier_holds_the_network_map_in_both_forms(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, _goal = await member_with_plan(client, db, submit)
    await add_person(submit, household)
    await add_person(
        submit, household, name="Vader van Milan", not_involved="ja", not_involved_reason="Te veel onrust."
    )
    data = json.loads((await client.get(f"/huishoudens/{household.id}/dossier.json")).content)
    people = {p["naam"]: p for p in data["netwerk"]}
    assert people["Oma Ineke"]["relatie"] == "familie" and people["Oma Ineke"]["ring"] == 1
    assert people["Vader van Milan"]["liever_niet_betrokken"] is True
    assert people["Vader van Milan"]["waarom_niet"] == "Te veel onrust."
    pdf = (await client.get(f"/huishoudens/{household.id}/dossier.pdf")).content
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Netwerkkaart" in text and "Oma Ineke" in text
    assert "liever niet betrokken: Te veel onrust." in text


async def test_member_downloads_a_readable_pdf(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, _anouk, _goal = await member_with_plan(client, db, submit)
    await tap(submit, household, "financien", "3")
    response = await client.get(f"/huishoudens/{household.id}/dossier.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert f"Ons dossier: huishouden {household.name}" in text
    assert GOAL_TEXT in text
    assert "Wie keek in ons plan" in text
    assert "Financiën" in text


async def test_regisseur_cannot_download_the_dossier(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, _anouk, _goal = await member_with_plan(client, db, submit)
    client.cookies.clear()
    from tests.factories import signed_in_as

    await signed_in_as(client, db, world.regisseur)
    assert (await client.get(f"/huishoudens/{household.id}/dossier.json")).status_code == 404
    assert (await client.get(f"/huishoudens/{household.id}/dossier.pdf")).status_code == 404


async def test_the_dossier_holds_the_involvement_register(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    world, household, anouk, _goal = await member_with_plan(client, db, submit)
    client.cookies.clear()
    await signed_in_as(client, db, world.regisseur)
    register = f"/huishoudens/{household.id}/betrokkenen"
    typed = {
        "organisation_name": "Schuldhulp Woerden",
        "professional_name": "Joris de Wit",
        "contact": "0348 123 456",
        "from_on": "2026-03-03",
    }
    assert (await submit(register, register, typed)).status_code == 303
    earlier = {"organisation_name": "GGZ Oost", "from_on": "2024-01-10", "to_on": "2025-06-30"}
    assert (await submit(register, register, earlier)).status_code == 303
    client.cookies.clear()
    await signed_in_as(client, db, anouk)
    data = json.loads((await client.get(f"/huishoudens/{household.id}/dossier.json")).content)
    assert data["betrokken"] == [
        {
            "organisatie": "Schuldhulp Woerden",
            "hulpverlener": "Joris de Wit",
            "contact": "0348 123 456",
            "sinds": "2026-03-03",
            "tot_en_met": None,
        },
        {
            "organisatie": "GGZ Oost",
            "hulpverlener": "",
            "contact": "",
            "sinds": "2024-01-10",
            "tot_en_met": "2025-06-30",
        },
    ]
    pdf = (await client.get(f"/huishoudens/{household.id}/dossier.pdf")).content
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Wie helpen mee" in text and "Schuldhulp Woerden" in text and "0348 123 456" in text
    assert "van 10 januari 2024 tot en met 30 juni 2025" in text


async def test_the_dossier_holds_the_gespreksverslag_with_its_corrections_and_the_earlier_help(
    client: AsyncTestClient[Litestar], db: AsyncSession, submit: Any
) -> None:
    _world, household, anouk = await completed_intake(client, db, submit)
    await signed_in_as(client, db, anouk)
    report = f"/huishoudens/{household.id}/gespreksverslag"
    assert (await submit(report, f"{report}/correctie", {"text": "Daan was er ook bij."})).status_code == 303
    data = json.loads((await client.get(f"/huishoudens/{household.id}/dossier.json")).content)
    assert data["eerdere_hulp"][0]["wie"] == "Maatschappelijk werk"
    assert data["eerdere_hulp"][0]["wat_niet_hielp"] == "Steeds nieuwe formulieren."
    (verslag,) = data["gespreksverslagen"]
    lines = [line for part in verslag["verslag"] for line in part["regels"]]
    assert "Financiën: Jullie: 2 · regisseur: 3" in lines
    assert [c["tekst"] for c in verslag["correcties"]] == ["Daan was er ook bij."]
    pdf = (await client.get(f"/huishoudens/{household.id}/dossier.pdf")).content
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Gespreksverslag van" in text and "Daan was er ook bij." in text
    assert "Eerdere hulp" in text and "Steeds nieuwe formulieren." in text
