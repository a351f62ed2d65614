"""A large, realistic data set for gemeente Woerden: many households with their plans, for `make bench`.

Run it on a migrated database, after `onsplan demo` when the demo people are wanted too:

    python tools/bulkdata.py --households 100000 --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/onsplan

Each household gets what months of work leave behind: its members (the adults with an account), a
trajectory in some phase with its regisseur, ratings per leefgebied from the household and from the
regisseur, goals in the household's own words with actions, a netwerkkaart, help from volunteers, the
timeline, and the access log (hash-chained per household with the app's own hash, so every chain
verifies). Teams of regisseurs with a team lead, partner organisations with their professionals, and
volunteers are made to fit. When the Woerden demo is there, its regisseur gets a full caseload from the
bulk set and its volunteer a few tasks; names that the demo's sign-in links look up are never reused.

Rows are written in bulk: COPY on PostgreSQL, multi-row INSERTs through SQLAlchemy Core on other
databases. The randomness is seeded: the same seed and size give the same households (dates are relative
to the day of loading). The outbox is left empty: notifications of the past were sent long ago.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import datetime as dt
import itertools
import json
import random
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import JSON, func, insert, select, text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine  # noqa: E402

from server.domain.access_log import _entry_hash  # noqa: E402
from server.domain.demo_people import DEMO_PEOPLE, DEMO_SLUG  # noqa: E402
from server.domain.events import EventKind  # noqa: E402
from server.domain.lifecycle import EXIT_REASONS  # noqa: E402
from server.domain.models import (  # noqa: E402
    AccessLogEntry,
    Household,
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    Phase,
    ReferralSource,
    Role,
    RoleAssignment,
    TriageOutcome,
)
from server.domain.network.model import NetworkRelation  # noqa: E402
from server.domain.plan.model import ActionStatus, Horizon, WhoType  # noqa: E402
from server.domain.ratings import instruments  # noqa: E402
from server.domain.ratings.model import AssessmentKind, Perspective  # noqa: E402
from server.domain.tables import metadata  # noqa: E402
from server.domain.volunteering.model import HelpOfferStatus, HelpRequestStatus  # noqa: E402

# Part of the marker of a loaded bench database: a new version makes `make bench` load afresh.
GENERATOR_VERSION = 3
DEFAULT_SEED = 20261124
# How many bulk households the demo regisseur gets, and how many tasks the demo volunteer.
DEMO_CASELOAD = 50
DEMO_VOLUNTEER_TASKS = 4
# Households per write: large enough for fast COPY, small enough for a lively progress bar.
BATCH = 500
REGISSEURS_PER_TEAM = 12
CASELOAD_RANGE = (40, 60)
# A database with more households than this already holds a bulk set.
MAX_EXISTING_HOUSEHOLDS = 100

# The columns written per table, in the order of the row tuples below. Checked against the model at start,
# so that a new required column fails loudly instead of silently.
COLUMNS: dict[str, tuple[str, ...]] = {
    "municipality": ("id", "name", "slug", "instrument_key", "created_at", "updated_at"),
    "team": ("id", "municipality_id", "name", "created_at", "updated_at"),
    "organisation": ("id", "municipality_id", "name", "kind", "works_with_municipality", "created_at", "updated_at"),
    "person": ("id", "municipality_id", "display_name", "locale", "enrolled_at", "created_at", "updated_at"),
    "household": ("id", "municipality_id", "team_id", "name", "wijk", "address", "phone", "created_at", "updated_at"),
    "role_assignment": ("id", "person_id", "role", "team_id", "organisation_id", "household_id", "revoked_at"),
    "member": ("id", "household_id", "person_id", "first_name", "is_adult", "created_at", "updated_at"),
    "trajectory": (
        "id", "household_id", "phase", "regisseur_id", "referral_source", "referred_by", "started_on",
        "closed_on", "exit_reason", "question", "triage_outcome", "triage_reason", "handed_over_to", "version",
        "created_at", "updated_at",
    ),
    "assessment": (
        "id", "household_id", "instrument_key", "kind", "perspective", "held_on", "created_by_id", "created_at",
    ),
    "rating": ("id", "assessment_id", "household_id", "domain_key", "score", "note", "rated_by_id", "updated_at"),
    "goal": (
        "id", "household_id", "domain_key", "text", "horizon", "target_score", "written_by_id", "written_by_name",
        "written_by_role", "version", "created_at", "updated_at",
    ),
    "plan_action": (
        "id", "goal_id", "household_id", "what", "who_type", "performer", "professional_reason",
        "assigned_person_id", "due_on", "status", "note", "status_before_done", "created_by_id", "version",
        "created_at", "updated_at",
    ),
    "share": (
        "id", "household_id", "goal_id", "person_id", "organisation_id", "purpose", "created_by_id", "created_at",
        "revoked_at",
    ),
    "network_person": (
        "id", "household_id", "name", "relation", "is_formal", "ring", "can_help_with", "not_involved",
        "not_involved_reason", "person_id", "created_by_id", "created_at", "updated_at",
    ),
    "help_request": (
        "id", "household_id", "action_id", "municipality_id", "what", "when_text", "wijk", "status", "volunteer_id",
        "published_by_id", "accepted_at", "done_at", "confirmed_at", "created_at", "updated_at",
    ),
    "help_offer": ("id", "help_request_id", "volunteer_id", "organisation_id", "message", "status", "created_at"),
    "involvement_count": ("id", "household_id", "counted_on", "volunteers", "network", "professionals"),
    "timeline_event": ("id", "household_id", "actor_id", "kind", "detail", "created_at"),
    "access_log": (
        "id", "household_id", "actor_id", "actor_name", "actor_role", "organisation_name", "resource", "action",
        "created_at", "prev_hash", "entry_hash",
    ),
}  # fmt: skip
# Parents before children, for the foreign keys.
TABLE_ORDER = tuple(COLUMNS)

Row = tuple[Any, ...]
T = TypeVar("T")

# --------------------------------------------------------------------------------------------------------
# Words: names, places and the household's own words, after the Woerden scenarios
# --------------------------------------------------------------------------------------------------------

SURNAMES = (
    "De Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "De Boer", "Mulder", "De Groot", "Bos", "Vos",
    "Peters", "Hendriks", "Van Leeuwen", "Dekker", "Brouwer", "De Wit", "Dijkstra", "Smits", "De Graaf",
    "Van der Meer", "Van der Linden", "Kok", "Jacobs", "De Haan", "Vermeulen", "Van den Berg", "Van Dijk",
    "Schouten", "Van Beek", "Willems", "Hoekstra", "Maas", "Verhoeven", "Koster", "Prins", "Blom", "Huisman",
    "Kuipers", "Van Vliet", "Postma", "Van Rijn", "Verbeek", "Timmermans", "Van Wijk", "Groen", "Boer",
    "El Amrani", "Bouzid", "El Idrissi", "Benali", "Haddou", "Ait Taleb", "Yilmaz", "Kaya", "Demir", "Çelik",
    "Öztürk", "Arslan", "Ramdin", "Sardjoe", "Pinas", "Nunes", "Kowalski", "Nowak", "Ahmadi", "Tesfay",
    "Mohamud", "Hassan", "Nguyen", "Da Silva", "Rodrigues", "Bulut", "Doğan", "Mahabier", "Wolff", "Van Zanten",
)  # fmt: skip
ADULT_NAMES = (
    "Anne", "Sanne", "Linda", "Marieke", "Esther", "Monique", "Sandra", "Petra", "Marloes", "Ingrid",
    "Yvonne", "Nicole", "Kim", "Lisa", "Saskia", "Miriam", "Naima", "Khadija", "Samira", "Latifa", "Ayşe",
    "Fatma", "Elif", "Zeynep", "Priya", "Rosita", "Shanti", "Agnieszka", "Olga", "Mebrat", "Hodan", "Lan",
    "Jeroen", "Mark", "Dennis", "Patrick", "Erik", "Martijn", "Sander", "Rob", "Wim", "Kees", "Hans", "Marco",
    "Ronald", "Bas", "Youssef", "Mohamed", "Hamid", "Rachid", "Mehmet", "Murat", "Emre", "Raj", "Dinesh",
    "Piotr", "Tomasz", "Dawit", "Abdi", "Minh", "Paulo", "Ricardo", "Peter", "Arjen", "Johan", "Ellen",
)  # fmt: skip
CHILD_NAMES = (
    "Milan", "Daan", "Sem", "Lucas", "Finn", "Levi", "Noah", "Liam", "Adam", "Ilias", "Amir", "Yusuf", "Emir",
    "Mila", "Tess", "Emma", "Julia", "Sophie", "Nora", "Yara", "Lina", "Sara", "Noor", "Zoë", "Elin", "Fenna",
    "Jayden", "Dex", "Mees", "Sofia", "Hiba", "Aya", "Defne", "Kai", "Luna", "Ivy",
)  # fmt: skip
# The wijken and kernen of the gemeente, each with a few streets.
PLACES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Schilderskwartier", "Woerden", ("Van Oldenbarneveltlaan", "Rembrandtlaan", "Frans Halslaan", "Vermeerstraat")),
    ("Molenvliet", "Woerden", ("Molenvlietbaan", "Jan Steenstraat", "Schilderslaan", "Boerendijk")),
    ("Snel en Polanen", "Woerden", ("Polanerbaan", "Snellerpoort", "Keulsekade", "Steinhagenseweg")),
    ("Staatsliedenkwartier", "Woerden", ("Thorbeckelaan", "Groen van Prinstererlaan", "Kuyperstraat")),
    ("Binnenstad", "Woerden", ("Voorstraat", "Rijnstraat", "Havenstraat", "Kerkplein")),
    ("Waterrijk", "Woerden", ("Waterrijkweg", "Zwanenlaan", "Reigerlaan")),
    ("Bomenwijk", "Woerden", ("Eikenlaan", "Beukenlaan", "Lindelaan", "Iepenlaan")),
    ("Tournoysveld", "Woerden", ("Tournoysveld", "Leidsestraatweg", "Oudelandseweg")),
    ("Harmelen", "Harmelen", ("Dorpsstraat", "Kloosterweg", "Acacialaan", "Leeuwerikstraat")),
    ("Kamerik", "Kamerik", ("Mijzijde", "Overstraat", "Wetering")),
    ("Zegveld", "Zegveld", ("Hoofdweg", "Kerkweg", "Middelland")),
)
TEAM_AREAS = ("Woerden-Noord", "Woerden-Zuid", "Woerden-Oost", "Woerden-West", "Harmelen", "Kamerik en Zegveld")
PARTNERS = (
    "MEE", "Schuldhulpverlening", "Altrecht (GGZ)", "CJG", "Sociale Zaken", "GroenWest (woningcorporatie)",
    "Maatschappelijk werk (AMW)", "Leerplicht", "Bureau Jeugdzorg", "GGD/JGZ", "Thuisbegeleiding", "Voedselbank",
)  # fmt: skip
VOLUNTEER_ORGANISATIONS = (("Handje Helpen", 5), ("Humanitas", 3), ("Welzijn Woerden", 2))
# Which partner organisation a professional action on a leefgebied goes to.
PARTNER_FOR_DOMAIN = {
    "financien": ("Schuldhulpverlening", "Sociale Zaken", "Voedselbank"),
    "dagbesteding": ("MEE", "Sociale Zaken"),
    "huisvesting": ("GroenWest (woningcorporatie)",),
    "huiselijke_relaties": ("Maatschappelijk werk (AMW)", "CJG", "Bureau Jeugdzorg"),
    "geestelijke_gezondheid": ("Altrecht (GGZ)", "Maatschappelijk werk (AMW)"),
    "lichamelijke_gezondheid": ("GGD/JGZ", "Thuisbegeleiding"),
    "verslaving": ("Altrecht (GGZ)",),
    "adl": ("Thuisbegeleiding", "MEE"),
    "sociaal_netwerk": ("Maatschappelijk werk (AMW)", "MEE"),
    "participatie": ("Sociale Zaken", "MEE"),
    "justitie": ("Maatschappelijk werk (AMW)",),
}
# Leefgebieden where most households in the pilot scored 1 to 3 at intake (seed 000), those in between,
# and those where most scored well.
SCORE_WEIGHTS = {
    "low": (15, 35, 33, 13, 4),
    "middle": (5, 15, 35, 30, 15),
    "high": (2, 4, 9, 20, 65),
}
DOMAIN_PROFILE = {
    "financien": "low", "dagbesteding": "low", "huiselijke_relaties": "low", "geestelijke_gezondheid": "low",
    "sociaal_netwerk": "low", "participatie": "low", "huisvesting": "middle", "adl": "middle",
    "lichamelijke_gezondheid": "middle", "verslaving": "high", "justitie": "high",
}  # fmt: skip
GOAL_TEXTS = {
    "financien": (
        "We willen rondkomen zonder nieuwe schulden.",
        "Ik wil weten hoeveel schuld er is en wie ik moet betalen.",
        "Elke maand de huur en de energie op tijd betalen.",
    ),
    "dagbesteding": (
        "Een paar ochtenden per week iets doen buiten de deur.",
        "Ik wil weer werken, al is het maar een paar uur.",
        "De kinderen gaan elke dag naar school.",
    ),
    "huisvesting": (
        "We willen in ons huis blijven wonen.",
        "Een huis waar we met z'n allen passen.",
        "Het huis is schoon en opgeruimd.",
    ),
    "huiselijke_relaties": (
        "Minder ruzie thuis.",
        "Goede afspraken met de vader van de kinderen.",
        "Samen eten, elke dag, zonder gedoe.",
    ),
    "geestelijke_gezondheid": (
        "Ik wil minder piekeren en beter slapen.",
        "Hulp voor mijn somberheid die bij mij past.",
        "Weten wat ik kan doen als het niet gaat.",
    ),
    "lichamelijke_gezondheid": (
        "Ik wil weten wat ik aan de pijn kan doen.",
        "Weer fit genoeg om te fietsen.",
        "De medicijnen op tijd innemen.",
    ),
    "verslaving": ("Minder drinken in het weekend.", "Stoppen met blowen.", "Niet meer gokken."),
    "adl": (
        "Zelf de boodschappen en het eten regelen.",
        "Een vast ritme voor het huishouden.",
        "De post elke week samen openmaken.",
    ),
    "sociaal_netwerk": (
        "Ik wil een vast netwerk van mensen die ik kan bellen als het niet gaat.",
        "Meer mensen om ons heen die kunnen helpen.",
        "Weer contact met mijn familie.",
    ),
    "participatie": (
        "Meedoen in de buurt.",
        "Ik wil vrijwilligerswerk doen.",
        "Nederlands leren om mee te kunnen praten.",
    ),
    "justitie": ("De boetes afbetalen.", "Geen nieuwe problemen met de politie."),
}
ACTION_TEXTS = {
    WhoType.ZELF: (
        "Een afspraak maken bij de huisarts.",
        "Alle rekeningen in één map doen.",
        "Elke ochtend om zeven uur opstaan.",
        "De brief van de woningcorporatie beantwoorden.",
        "Drie vacatures uitzoeken.",
        "Een weekmenu maken.",
        "Bellen met school over het rooster.",
        "Het formulier voor de toeslag invullen.",
    ),
    WhoType.NETWERK: (
        "Op woensdag de kinderen ophalen.",
        "Eén keer per week samen boodschappen doen.",
        "Meegaan naar de huisarts.",
        "Helpen met de post.",
        "Op zaterdag even langskomen.",
        "Helpen met verhuizen.",
    ),
    WhoType.VRIJWILLIGER: (
        "Op slechte dagen de kinderen naar school brengen.",
        "Samen de tuin opknappen.",
        "Fietsles.",
        "Maatje om samen te wandelen.",
        "Hulp bij de administratie.",
        "Samen het huis opruimen.",
        "Taalmaatje om Nederlands te oefenen.",
    ),
    WhoType.PROFESSIONAL: (
        "Een betalingsregeling afspreken.",
        "Bijzondere bijstand aanvragen.",
        "Samen twee plekken voor dagbesteding bekijken.",
        "Een intake bij de GGZ regelen.",
        "Gesprek over opvoeding thuis.",
        "Thuisbegeleiding twee keer per week.",
        "Schuldhulp gaat door; de regisseur belt elke twee weken.",
    ),
}
PROFESSIONAL_REASONS = (
    "Dit kan alleen een professional regelen.", "De schuldregeling loopt al en moet doorgaan.",
    "Alleen de woningcorporatie kan de ontruiming stoppen.", "Hier is een indicatie voor nodig.",
    "Het netwerk heeft dit al geprobeerd; het lukte niet.",
)  # fmt: skip
HELP_CARDS = (
    ("Een kind van 8 naar school brengen en ophalen", "op slechte dagen, 8.15 uur"),
    ("Een tuin opknappen", "een zaterdag in overleg"),
    ("Fietsles voor een volwassene", "twee keer per week"),
    ("Een maatje om mee te wandelen", "een middag per week"),
    ("Hulp bij het ordenen van de administratie", "een avond per week"),
    ("Samen een huis opruimen", "een paar ochtenden"),
    ("Nederlands oefenen met een taalmaatje", "een uur per week"),
    ("Mee naar het ziekenhuis", "volgende week dinsdag"),
)
RATING_NOTES = (
    "Het gaat beter dan vorige keer.", "Nog steeds moeilijk.", "Zonder hulp lukt het niet.",
    "Sinds de nieuwe afspraak gaat het goed.", "Ik weet het niet zo goed.", "Soms wel, soms niet.",
)  # fmt: skip
ACTION_NOTES = (
    "Gebeld, volgende week verder.", "Ging goed!", "Afspraak staat.", "Lukte deze week niet, nieuwe datum volgt.",
    "Samen gedaan, volgende keer zelf.",
)  # fmt: skip
SHARE_PURPOSES = (
    "om te helpen met dit doel", "voor de afspraken die we samen maken", "zodat ze weten wat we al doen",
    "hulp bij het zoeken", "de schuldregeling",
)  # fmt: skip
OFFER_MESSAGES = ("", "", "Ik woon in de buurt en help graag.", "Ik heb dit vaker gedaan.", "Ik kan op dinsdag.")
NOT_INVOLVED_REASONS = ("Dat geeft te veel onrust.", "We hebben al lang geen contact meer.", "")
REFERRERS = {
    ReferralSource.ZELF: ("",),
    ReferralSource.NETWERK: ("Een vriendin", "De zus van de moeder", "Een buurman"),
    ReferralSource.KETENPARTNER: ("Maatschappelijk werk", "CJG", "Jeugdverpleegkundige", "Wmo-loket", "Huisarts"),
    ReferralSource.INTERN_GEMEENTE: ("Re-integratie", "Leerplicht", "Schuldhulp gemeente"),
    ReferralSource.PARTICULIER: ("Een buurvrouw", "Een familielid", "De juf van school"),
}
# (name pattern, relation, formal, ring, can help with); {f} is a first name.
NETWORK_KINDS: tuple[tuple[str, NetworkRelation, bool, int, str], ...] = (
    ("Oma {f}", NetworkRelation.FAMILIE, False, 1, "oppassen, even bellen als het niet gaat"),
    ("Opa {f}", NetworkRelation.FAMILIE, False, 1, "klusjes in huis"),
    ("Zus {f}", NetworkRelation.FAMILIE, False, 1, "meegaan naar afspraken"),
    ("Broer {f}", NetworkRelation.FAMILIE, False, 2, "de auto, verhuizen"),
    ("Tante {f}", NetworkRelation.FAMILIE, False, 2, ""),
    ("{f}", NetworkRelation.VRIEND, False, 1, "boodschappen, even langskomen"),
    ("{f}", NetworkRelation.VRIEND, False, 2, "samen wandelen"),
    ("Buurvrouw {f}", NetworkRelation.BUUR, False, 2, "op de kinderen letten na school"),
    ("Buurman {f}", NetworkRelation.BUUR, False, 2, "klusjes"),
    ("Collega {f}", NetworkRelation.COLLEGA, False, 3, ""),
    ("{f} van de moskee", NetworkRelation.KERK_OF_MOSKEE, False, 3, "een luisterend oor"),
    ("{f} van de kerk", NetworkRelation.KERK_OF_MOSKEE, False, 3, "een luisterend oor"),
    ("Voetbalclub", NetworkRelation.VERENIGING, False, 3, ""),
    ("Juf {f} (school)", NetworkRelation.ANDERS, True, 2, "laat weten als er iets is met de kinderen"),
    ("Huisarts", NetworkRelation.ANDERS, True, 3, "de gezondheid"),
    ("Praktijkondersteuner", NetworkRelation.ANDERS, True, 3, "gesprekken over stress"),
    ("Wijkagent", NetworkRelation.ANDERS, True, 3, ""),
)
PHASE_WEIGHTS = (
    (Phase.AANMELDING, 6), (Phase.TRIAGE, 6), (Phase.INTAKE, 9), (Phase.PLAN_VASTGESTELD, 9),
    (Phase.UITVOERING, 38), (Phase.EVALUATIE, 12), (Phase.WAAKVLAM, 8), (Phase.AFGESLOTEN, 12),
)  # fmt: skip
# The household's question at registration, in its own words.
QUESTIONS = (
    "We willen weer rust in huis en overzicht over de rekeningen.",
    "Ik wil dat mijn zoon weer naar school gaat.",
    "Hulp bij de brieven van de gemeente en de zorgverzekering.",
    "Ik red het niet meer alleen sinds mijn man ziek is.",
    "We moeten uit dit huis en weten niet waar we heen kunnen.",
    "",
)
TRIAGE_REASON = "Er spelen zaken op meerdere leefgebieden tegelijk; één plan met één regisseur helpt."

# How long ago a trajectory in this phase started, in days.
AGE_DAYS = {
    Phase.AANMELDING: (1, 14), Phase.TRIAGE: (5, 30), Phase.INTAKE: (14, 60), Phase.PLAN_VASTGESTELD: (30, 100),
    Phase.UITVOERING: (60, 540), Phase.EVALUATIE: (150, 720), Phase.WAAKVLAM: (240, 900),
    Phase.AFGESLOTEN: (90, 1100),
}  # fmt: skip
PATH = (Phase.TRIAGE, Phase.INTAKE, Phase.PLAN_VASTGESTELD, Phase.UITVOERING, Phase.EVALUATIE, Phase.WAAKVLAM)
# Where a closed trajectory was before it closed: after triage (no coordination needed), or later.
CLOSED_AFTER = (
    (Phase.TRIAGE, 15),
    (Phase.INTAKE, 8),
    (Phase.UITVOERING, 25),
    (Phase.EVALUATIE, 32),
    (Phase.WAAKVLAM, 20),
)
ACTION_STATUS_WEIGHTS = {
    Phase.INTAKE: (100, 0, 0, 0),
    Phase.PLAN_VASTGESTELD: (80, 15, 5, 0),
    Phase.UITVOERING: (30, 30, 35, 5),
    Phase.EVALUATIE: (15, 25, 55, 5),
    Phase.WAAKVLAM: (5, 10, 80, 5),
    Phase.AFGESLOTEN: (0, 0, 75, 25),
}
STATUSES = (ActionStatus.OPEN, ActionStatus.BEZIG, ActionStatus.GEDAAN, ActionStatus.GESTOPT)
WHO_WEIGHTS = ((WhoType.ZELF, 35), (WhoType.NETWERK, 22), (WhoType.VRIJWILLIGER, 15), (WhoType.PROFESSIONAL, 28))
LOOK_RESOURCES = (("household", 35), ("plan", 25), ("ratings.read", 15), ("network", 10), ("timeline.read", 10),
                  ("access_log.read", 5))  # fmt: skip


# --------------------------------------------------------------------------------------------------------
# Checks and writing
# --------------------------------------------------------------------------------------------------------


def check_columns() -> None:
    """Refuse to start when the model and COLUMNS disagree: a missing required column would make every row fail."""
    problems = []
    for name, columns in COLUMNS.items():
        table = metadata.tables[name]
        for column in columns:
            if column not in table.c:
                problems.append(f"{name}.{column} is not in the model")
        for model_column in table.c:
            required = not model_column.nullable and model_column.server_default is None
            if required and model_column.name not in columns:
                problems.append(f"{name}.{model_column.name} is required but not generated")
    if problems:
        raise SystemExit("bulkdata does not match the model: " + "; ".join(problems))


class Writer:
    """Writes batches of row tuples: COPY on PostgreSQL, multi-row INSERTs through SQLAlchemy Core otherwise."""

    def __init__(self, connection: AsyncConnection, driver: Any | None) -> None:
        self.connection = connection
        # The asyncpg connection under SQLAlchemy's, in the same transaction; None on other databases.
        self.driver = driver
        self.json_columns = {
            name: [i for i, c in enumerate(columns) if isinstance(metadata.tables[name].c[c].type, JSON)]
            for name, columns in COLUMNS.items()
        }
        self.counts: dict[str, int] = dict.fromkeys(COLUMNS, 0)

    async def write(self, table: str, rows: list[Row]) -> None:
        if not rows:
            return
        columns = COLUMNS[table]
        if self.driver is not None:
            positions = self.json_columns[table]
            if positions:
                # SQLAlchemy's asyncpg connection takes JSON as text.
                for i in positions:
                    rows = [(*row[:i], json.dumps(row[i]), *row[i + 1 :]) for row in rows]
            await self.driver.copy_records_to_table(table, records=rows, columns=columns)
        else:
            await self.connection.execute(
                insert(metadata.tables[table]), [dict(zip(columns, row, strict=True)) for row in rows]
            )
        self.counts[table] += len(rows)


class Progress:
    """A text progress bar on standard error; on a terminal it redraws one line, elsewhere it writes a line
    every tenth."""

    def __init__(self, total: int, label: str, *, enabled: bool = True) -> None:
        self.total = max(total, 1)
        self.label = label
        self.enabled = enabled
        self.started = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.last_tenth = -1

    def show(self, done: int, note: str = "", *, final: bool = False) -> None:
        if not self.enabled or (done >= self.total and not final):
            return
        elapsed = time.monotonic() - self.started
        filled = int(30 * done / self.total)
        line = f"[{'#' * filled}{' ' * (30 - filled)}] {done:,}/{self.total:,} {self.label}  {elapsed:5.1f} s {note}"
        if self.tty:
            sys.stderr.write("\r" + line.rstrip() + "\x1b[K")
        else:
            tenth = 10 * done // self.total
            if tenth == self.last_tenth:
                return
            self.last_tenth = tenth
            sys.stderr.write(line.rstrip() + "\n")
        sys.stderr.flush()

    def finish(self, note: str = "") -> None:
        if self.enabled:
            self.show(self.total, note, final=True)
            if self.tty:
                sys.stderr.write("\n")


# --------------------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------------------


@dataclass
class Staff:
    """A professional or volunteer as the generator needs them: who, in which team or organisation."""

    id: uuid.UUID
    name: str
    team_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None
    organisation_name: str = ""


@dataclass
class StaffTeam:
    """A team of regisseurs as the generator fills it: its lead, and how many regisseurs it has."""

    id: uuid.UUID
    lead: Staff | None
    regisseurs: int = 0


@dataclass
class World:
    """What is in the database before the bulk set: the gemeente, and the demo's people and organisations."""

    municipality_id: uuid.UUID | None
    organisations: dict[str, tuple[uuid.UUID, OrganisationKind]]
    demo_regisseur: Staff | None
    demo_team_lead: Staff | None
    demo_volunteer: Staff | None


@dataclass(frozen=True)
class ChainLink:
    """The fields of an access-log entry that its hash covers. The app's own hash function reads only
    these, and a plain object is far cheaper to make than a mapped one, a million times over."""

    prev_hash: str
    household_id: uuid.UUID
    actor_id: uuid.UUID
    actor_role: str
    organisation_name: str
    resource: str
    action: str
    created_at: dt.datetime


@dataclass
class Look:
    when: dt.datetime
    actor: Staff
    role: Role
    resource: str


@dataclass
class HouseholdState:
    """What one household's generation needs to carry from one part to the next."""

    id: uuid.UUID
    team: StaffTeam
    regisseur: Staff
    phase: Phase
    start: dt.date
    end: dt.date
    adults: list[tuple[uuid.UUID, str]]
    wijk: str
    reached: dict[Phase, dt.date] = field(default_factory=dict)
    scores: dict[str, int] = field(default_factory=dict)
    network_names: list[str] = field(default_factory=list)
    network_member: tuple[uuid.UUID, str] | None = None
    shared_organisations: set[str] = field(default_factory=set)
    volunteers: set[uuid.UUID] = field(default_factory=set)
    looks: list[Look] = field(default_factory=list)


def cumulative(weighted: Sequence[tuple[T, int]]) -> tuple[tuple[T, ...], tuple[int, ...]]:
    return tuple(v for v, _ in weighted), tuple(itertools.accumulate(w for _, w in weighted))


class Generator:
    def __init__(self, world: World, households: int, seed: int, now: dt.datetime) -> None:
        self.world = world
        self.total = households
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, nothing secret
        self.now = now
        # History ends yesterday: nothing generated lies in the future or overlaps with the bench's own writes.
        self.yesterday = now.date() - dt.timedelta(days=1)
        self.instrument = instruments.built_in()[instruments.DEFAULT_KEY]
        self.domain_keys = [d.key for d in self.instrument.domains]
        self.domain_names = {d.key: d.name for d in self.instrument.domains}
        self.rows: dict[str, list[Row]] = {name: [] for name in COLUMNS}
        # Names the demo's sign-in links look up by name; a bulk person must never carry one.
        reserved = {name for name, _role in DEMO_PEOPLE}
        self.adult_names = [n for n in ADULT_NAMES if n not in reserved]
        self.child_names = [n for n in CHILD_NAMES if n not in reserved]
        self.reserved = reserved
        self.phases = cumulative(PHASE_WEIGHTS)
        self.closed_after = cumulative(CLOSED_AFTER)
        self.who = cumulative(WHO_WEIGHTS)
        self.look_resources = cumulative(LOOK_RESOURCES)
        self.teams: list[StaffTeam] = []
        self.team: StaffTeam | None = None
        self.regisseur: Staff | None = None
        self.caseload_left = 0
        self.partners: dict[str, list[Staff]] = {}
        self.volunteers: list[Staff] = []
        self.demo_tasks_left = DEMO_VOLUNTEER_TASKS if world.demo_volunteer else 0

    # -- small helpers -----------------------------------------------------------------------------------

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def pick(self, options: Sequence[T]) -> T:
        return options[int(self.rng.random() * len(options))]

    def weighted(self, table: tuple[tuple[T, ...], tuple[int, ...]]) -> T:
        values, cum = table
        return values[bisect.bisect_right(cum, self.rng.random() * cum[-1])]

    def moment(self, day: dt.date) -> dt.datetime:
        """A moment during office hours (or an evening) on a day."""
        seconds = self.rng.randrange(7 * 3600, 22 * 3600)
        return dt.datetime.combine(day, dt.time(), dt.UTC) + dt.timedelta(
            seconds=seconds, microseconds=self.rng.randrange(1_000_000)
        )

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        if last <= first:
            return first
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def full_name(self) -> str:
        return f"{self.pick(self.adult_names)} {self.pick(SURNAMES)}"

    def person(self, name: str, role: Role, at: dt.datetime, *, enrolled: bool = True, **context: Any) -> uuid.UUID:
        person_id = self.new_id()
        enrolled_at = at + dt.timedelta(hours=self.rng.randint(1, 72)) if enrolled else None
        self.rows["person"].append((person_id, self.world.municipality_id, name, None, enrolled_at, at, at))
        self.rows["role_assignment"].append(
            (
                self.new_id(),
                person_id,
                role.value,
                context.get("team_id"),
                context.get("organisation_id"),
                context.get("household_id"),
                None,
            )
        )
        return person_id

    def event(
        self,
        household_id: uuid.UUID,
        actor: tuple[uuid.UUID, str] | None,
        kind: EventKind,
        at: dt.datetime,
        **detail: Any,
    ) -> None:
        self.rows["timeline_event"].append(
            (
                self.new_id(),
                household_id,
                actor[0] if actor else None,
                kind.value,
                {"actor_name": actor[1] if actor else "", **detail},
                at,
            )
        )

    # -- the world around the households -----------------------------------------------------------------

    def setup(self) -> None:
        """The gemeente (when not loaded yet), organisations, partner professionals and volunteers."""
        at = self.moment(self.yesterday - dt.timedelta(days=1200))
        if self.world.municipality_id is None:
            self.world.municipality_id = self.new_id()
            self.rows["municipality"].append((self.world.municipality_id, "Woerden", DEMO_SLUG, "zrm11", at, at))
        for name in PARTNERS:
            self.organisation(name, OrganisationKind.PARTNER, at)
        for name, _share in VOLUNTEER_ORGANISATIONS:
            self.organisation(name, OrganisationKind.VOLUNTEER, at)
        per_partner = max(3, self.total // 2000)
        for name in PARTNERS:
            organisation_id = self.world.organisations[name][0]
            self.partners[name] = []
            for _ in range(per_partner):
                full_name = self.full_name()
                person_id = self.person(full_name, Role.PARTNER_PROFESSIONAL, at, organisation_id=organisation_id)
                self.partners[name].append(Staff(person_id, full_name, None, organisation_id, name))
        shares = cumulative(VOLUNTEER_ORGANISATIONS)
        for _ in range(max(20, self.total // 40)):
            name = self.weighted(shares)
            organisation_id = self.world.organisations[name][0]
            full_name = self.full_name()
            person_id = self.person(full_name, Role.VOLUNTEER, at, organisation_id=organisation_id)
            self.volunteers.append(Staff(person_id, full_name, None, organisation_id, name))

    def organisation(self, name: str, kind: OrganisationKind, at: dt.datetime) -> None:
        if name in self.world.organisations:
            return
        organisation_id = self.new_id()
        self.world.organisations[name] = (organisation_id, kind)
        self.rows["organisation"].append((organisation_id, self.world.municipality_id, name, kind.value, True, at, at))

    def next_regisseur(self, index: int) -> tuple[StaffTeam, Staff]:
        """The regisseur of the next household: the demo regisseur first, then caseloads of 40 to 60 each,
        twelve regisseurs to a team."""
        demo = self.world.demo_regisseur
        if demo is not None and demo.team_id is not None and index < DEMO_CASELOAD:
            return StaffTeam(demo.team_id, self.world.demo_team_lead), demo
        if self.regisseur is None or self.caseload_left <= 0 or self.team is None:
            at = self.moment(self.yesterday - dt.timedelta(days=1100))
            if self.team is None or self.team.regisseurs >= REGISSEURS_PER_TEAM:
                team_id = self.new_id()
                number = len(self.teams) // len(TEAM_AREAS) + 1
                area = TEAM_AREAS[len(self.teams) % len(TEAM_AREAS)]
                self.rows["team"].append((team_id, self.world.municipality_id, f"Sociaal team {area} {number}", at, at))
                lead_name = self.full_name()
                lead = Staff(self.person(lead_name, Role.TEAM_LEAD, at, team_id=team_id), lead_name, team_id)
                self.team = StaffTeam(team_id, lead)
                self.teams.append(self.team)
            name = self.full_name()
            self.regisseur = Staff(self.person(name, Role.REGISSEUR, at, team_id=self.team.id), name, self.team.id)
            self.team.regisseurs += 1
            self.caseload_left = self.rng.randint(*CASELOAD_RANGE)
        self.caseload_left -= 1
        return self.team, self.regisseur

    # -- one household -----------------------------------------------------------------------------------

    def household(self, index: int) -> None:
        team, regisseur = self.next_regisseur(index)
        phase = self.weighted(self.phases)
        low, high = AGE_DAYS[phase]
        start = self.yesterday - dt.timedelta(days=self.rng.randint(low, high))
        end = self.yesterday
        wijk, town, streets = self.pick(PLACES)
        household_id = self.new_id()
        registered = self.moment(start)
        surname = self.pick(SURNAMES)
        name = surname if self.rng.random() < 0.85 else f"{surname}-{self.pick(SURNAMES)}"
        address = f"{self.pick(streets)} {self.rng.randint(1, 180)}, {town}"
        phone = f"06-{self.rng.randrange(10_000_000, 100_000_000)}"
        self.rows["household"].append(
            (household_id, self.world.municipality_id, team.id, name, wijk, address, phone, registered, registered)
        )
        adults_count = 1 if self.rng.random() < 0.55 else 2
        children = min(4 - adults_count, self.rng.choices((0, 1, 2, 3), (30, 30, 25, 15))[0])
        state = HouseholdState(household_id, team, regisseur, phase, start, end, [], wijk)
        for first in self.rng.sample(self.adult_names, adults_count):
            person_id = self.person(
                first,
                Role.HOUSEHOLD_MEMBER,
                registered,
                enrolled=self.rng.random() < 0.7,
                household_id=household_id,
            )
            state.adults.append((person_id, first))
            self.rows["member"].append((self.new_id(), household_id, person_id, first, True, registered, registered))
        for first in self.rng.sample(self.child_names, children):
            self.rows["member"].append((self.new_id(), household_id, None, first, False, registered, registered))
        self.trajectory(state, registered, adults_count + children)
        self.ratings(state)
        self.network(state)
        self.plan(state)
        self.involvement(state)
        self.access_log(state)

    def trajectory(self, state: HouseholdState, registered: dt.datetime, members: int) -> None:
        if state.phase is Phase.AFGESLOTEN:
            last = self.weighted(self.closed_after)
            path = [*PATH[: PATH.index(last) + 1], Phase.AFGESLOTEN]
        else:
            path = list(PATH[: PATH.index(state.phase) + 1]) if state.phase in PATH else []
        days = sorted(self.day_between(state.start, state.end) for _ in path)
        referral = self.rng.choices(list(ReferralSource), (25, 10, 35, 20, 10))[0]
        regisseur = (state.regisseur.id, state.regisseur.name)
        self.event(state.id, regisseur, EventKind.HOUSEHOLD_REGISTERED, registered, members=members)
        previous = Phase.AANMELDING
        state.reached[Phase.AANMELDING] = state.start
        exit_reason = ""
        for phase, day in zip(path, days, strict=True):
            reason = ""
            if phase is Phase.AFGESLOTEN:
                early = previous in (Phase.TRIAGE, Phase.INTAKE)
                reason = self.pick(EXIT_REASONS[1:] if early else ("doelen bereikt", "doelen bereikt", *EXIT_REASONS))
                exit_reason = reason
            detail = {"from": previous.value, "to": phase.value, "reason": reason}
            self.event(state.id, regisseur, EventKind.TRAJECTORY_PHASE, self.moment(day), **detail)
            state.reached[phase] = day
            previous = phase
        closed_on = state.reached.get(Phase.AFGESLOTEN)
        if closed_on is not None:
            state.end = closed_on
        self.rows["trajectory"].append(
            (
                self.new_id(),
                state.id,
                state.phase.value,
                state.regisseur.id,
                referral.value,
                self.pick(REFERRERS[referral]),
                state.start,
                closed_on,
                exit_reason,
                self.pick(QUESTIONS),
                TriageOutcome.REGISSEUR.value if Phase.INTAKE in path else None,
                TRIAGE_REASON if Phase.INTAKE in path else "",
                "",
                1 + len(path),
                registered,
                self.moment(days[-1]) if days else registered,
            )
        )

    def assessment(
        self,
        state: HouseholdState,
        kind: AssessmentKind,
        perspective: Perspective,
        day: dt.date,
        scores: dict[str, int],
    ) -> None:
        household_view = perspective is Perspective.HOUSEHOLD
        actor = self.pick(state.adults) if household_view else (state.regisseur.id, state.regisseur.name)
        assessment_id = self.new_id()
        at = self.moment(day)
        self.rows["assessment"].append(
            (assessment_id, state.id, self.instrument.key, kind.value, perspective.value, day, actor[0], at)
        )
        self.event(
            state.id, actor, EventKind.ASSESSMENT_STARTED, at, assessment_kind=kind.value, perspective=perspective.value
        )
        for key, score in scores.items():
            at += dt.timedelta(seconds=self.rng.randint(5, 60))
            note = self.pick(RATING_NOTES) if household_view and self.rng.random() < 0.08 else ""
            self.rows["rating"].append((self.new_id(), assessment_id, state.id, key, score, note, actor[0], at))
            self.event(
                state.id,
                actor,
                EventKind.RATING_SET,
                at,
                domain=self.domain_names[key],
                score=score,
                perspective=perspective.value,
            )

    def ratings(self, state: HouseholdState) -> None:
        """The nulmeting at intake from both sides, tussenevaluaties every three months or so, an eindmeting
        at closing; scores start low where the pilot's households scored low and creep up."""
        intake = state.reached.get(Phase.INTAKE)
        if intake is None:
            return
        household = {
            key: self.rng.choices((1, 2, 3, 4, 5), SCORE_WEIGHTS[DOMAIN_PROFILE.get(key, "middle")])[0]
            for key in self.domain_keys
            if self.rng.random() < 0.96
        }
        professional = {
            key: max(1, min(5, score + self.rng.choice((-1, 0, 0, 0, 1)))) for key, score in household.items()
        }
        state.scores = dict(household)
        if self.rng.random() < 0.9:
            self.assessment(state, AssessmentKind.NULMETING, Perspective.HOUSEHOLD, intake, household)
        if self.rng.random() < 0.85:
            self.assessment(state, AssessmentKind.NULMETING, Perspective.PROFESSIONAL, intake, professional)
        plan_day = state.reached.get(Phase.PLAN_VASTGESTELD)
        if plan_day is None or Phase.UITVOERING not in state.reached:
            return
        evaluations = min(3, (state.end - plan_day).days // 90)
        for number in range(1, evaluations + 1):
            household = {k: self.drift(v) for k, v in household.items()}
            day = min(state.end, plan_day + dt.timedelta(days=90 * number + self.rng.randint(-10, 10)))
            self.assessment(state, AssessmentKind.TUSSENEVALUATIE, Perspective.HOUSEHOLD, day, household)
        evaluation = state.reached.get(Phase.EVALUATIE)
        if evaluation is not None:
            professional = {k: self.drift(v) for k, v in professional.items()}
            self.assessment(state, AssessmentKind.TUSSENEVALUATIE, Perspective.PROFESSIONAL, evaluation, professional)
        closed = state.reached.get(Phase.AFGESLOTEN)
        if closed is not None:
            if self.rng.random() < 0.7:
                household = {k: self.drift(v) for k, v in household.items()}
                self.assessment(state, AssessmentKind.EINDMETING, Perspective.HOUSEHOLD, closed, household)
            if self.rng.random() < 0.6:
                professional = {k: self.drift(v) for k, v in professional.items()}
                self.assessment(state, AssessmentKind.EINDMETING, Perspective.PROFESSIONAL, closed, professional)

    def drift(self, score: int) -> int:
        roll = self.rng.random()
        if roll < 0.3:
            return min(5, score + 1)
        if roll < 0.35:
            return max(1, score - 1)
        return score

    def network(self, state: HouseholdState) -> None:
        """The netwerkkaart, drawn at intake (or at registration); sometimes one person from it has an account."""
        if Phase.TRIAGE not in state.reached and self.rng.random() < 0.7:
            return
        day = state.reached.get(Phase.INTAKE, state.start)
        count = self.rng.choices((1, 2, 3, 4, 5, 6, 7), (5, 15, 22, 22, 16, 12, 8))[0]
        used: set[str] = set()
        for kind in self.rng.sample(NETWORK_KINDS, count):
            pattern, relation, formal, ring, help_with = kind
            name = pattern.format(f=self.pick(self.adult_names))
            if name in used or name in self.reserved:
                continue
            used.add(name)
            not_involved = not formal and self.rng.random() < 0.06
            writer = self.pick(state.adults) if self.rng.random() < 0.6 else (state.regisseur.id, state.regisseur.name)
            at = self.moment(day)
            row_id = self.new_id()
            person_id = None
            if (
                not formal
                and not not_involved
                and ring == 1
                and state.network_member is None
                and Phase.PLAN_VASTGESTELD in state.reached
                and self.rng.random() < 0.35
            ):
                invited = at + dt.timedelta(days=self.rng.randint(1, 30))
                person_id = self.person(name, Role.NETWORK_MEMBER, invited, household_id=state.id)
                state.network_member = (person_id, name)
            self.rows["network_person"].append(
                (
                    row_id,
                    state.id,
                    name,
                    relation.value,
                    formal,
                    ring,
                    help_with,
                    not_involved,
                    self.pick(NOT_INVOLVED_REASONS) if not_involved else "",
                    person_id,
                    writer[0],
                    at,
                    at,
                )
            )
            self.event(state.id, writer, EventKind.NETWORK_ADDED, at, name=name)
            if not formal and not not_involved:
                state.network_names.append(name)

    def plan(self, state: HouseholdState) -> None:
        """Goals on the leefgebieden that score lowest, each with one to three actions, own strength first."""
        plan_day = state.reached.get(Phase.PLAN_VASTGESTELD)
        if plan_day is None:
            intake = state.reached.get(Phase.INTAKE)
            if intake is None or self.rng.random() < 0.6:
                return
            plan_day = intake
        count = self.rng.choices((1, 2, 3, 4), (25, 35, 25, 15))[0]
        scores = state.scores or {k: self.rng.randint(1, 5) for k in self.domain_keys}
        ranked = sorted(scores, key=lambda k: (scores[k], self.rng.random()))
        status_phase = state.phase if state.phase in ACTION_STATUS_WEIGHTS else Phase.PLAN_VASTGESTELD
        invited_for_action = False
        for domain_key in ranked[:count]:
            by_household = self.rng.random() < 0.6
            writer = self.pick(state.adults) if by_household else (state.regisseur.id, state.regisseur.name)
            goal_id = self.new_id()
            goal_text = self.pick(GOAL_TEXTS.get(domain_key, ("Het gaat beter op dit leefgebied.",)))
            created = self.moment(plan_day)
            score = scores.get(domain_key)
            target = min(5, score + self.rng.randint(1, 2)) if score is not None and self.rng.random() < 0.6 else None
            horizon = self.rng.choices(list(Horizon), (35, 40, 25))[0]
            self.rows["goal"].append(
                (
                    goal_id,
                    state.id,
                    domain_key,
                    goal_text,
                    horizon.value,
                    target,
                    writer[0],
                    writer[1],
                    "household" if by_household else "regisseur",
                    1,
                    created,
                    created,
                )
            )
            domain_name = self.domain_names[domain_key]
            self.event(state.id, writer, EventKind.GOAL_CREATED, created, goal=goal_text, domain=domain_name)
            shared_with_partner = ""
            for _ in range(self.rng.choices((1, 2, 3), (30, 45, 25))[0]):
                who = self.weighted(self.who)
                status = self.rng.choices(STATUSES, ACTION_STATUS_WEIGHTS[status_phase])[0]
                partner = self.action(state, goal_id, goal_text, domain_key, who, status, writer, created)
                if partner and not shared_with_partner and self.rng.random() < 0.65:
                    shared_with_partner = partner
                if who is WhoType.NETWERK and state.network_member and not invited_for_action:
                    invited_for_action = True
                    self.share(state, goal_id, goal_text, state.network_member, None, created)
            if shared_with_partner:
                organisation_id = self.world.organisations[shared_with_partner][0]
                self.share(state, goal_id, goal_text, None, (organisation_id, shared_with_partner), created)

    def action(
        self,
        state: HouseholdState,
        goal_id: uuid.UUID,
        goal_text: str,
        domain_key: str,
        who: WhoType,
        status: ActionStatus,
        writer: tuple[uuid.UUID, str],
        goal_created: dt.datetime,
    ) -> str:
        """One action; returns the partner organisation when a professional of one does it."""
        action_id = self.new_id()
        created = goal_created + dt.timedelta(minutes=self.rng.randint(1, 60 * 24 * 14))
        created = min(created, self.moment(state.end))
        what = self.pick(ACTION_TEXTS[who])
        performer, reason, partner = "", "", ""
        assigned: uuid.UUID | None = None
        if who is WhoType.ZELF and self.rng.random() < 0.5:
            performer = self.pick(state.adults)[1]
        elif who is WhoType.NETWERK:
            if state.network_member and self.rng.random() < 0.5:
                assigned, performer = state.network_member
            elif state.network_names:
                performer = self.pick(state.network_names)
        elif who is WhoType.PROFESSIONAL:
            partner = self.pick(PARTNER_FOR_DOMAIN.get(domain_key, PARTNERS))
            performer = partner
            reason = self.pick(PROFESSIONAL_REASONS)
        due = None
        if self.rng.random() < 0.5:
            due = created.date() + dt.timedelta(days=self.rng.randint(7, 120))
        done_before = ""
        if status is ActionStatus.GEDAAN:
            done_before = self.pick((ActionStatus.OPEN.value, ActionStatus.BEZIG.value))
        note = self.pick(ACTION_NOTES) if status is not ActionStatus.OPEN and self.rng.random() < 0.15 else ""
        self.event(state.id, writer, EventKind.ACTION_CREATED, created, action=what, goal=goal_text)
        if who is WhoType.VRIJWILLIGER and self.rng.random() < 0.8:
            volunteer = self.help_request(state, action_id, status, writer, created)
            if volunteer is not None and status is not ActionStatus.GESTOPT:
                assigned = volunteer.id
                performer = f"{volunteer.name} ({volunteer.organisation_name})"
        updated = created
        if status is ActionStatus.GEDAAN:
            updated = self.moment(self.day_between(created.date(), state.end))
            ticker = writer if self.rng.random() < 0.8 else (state.regisseur.id, state.regisseur.name)
            self.event(state.id, ticker, EventKind.ACTION_TICKED, updated, action=what)
        self.rows["plan_action"].append(
            (
                action_id,
                goal_id,
                state.id,
                what,
                who.value,
                performer,
                reason,
                assigned,
                due,
                status.value,
                note,
                done_before,
                writer[0],
                1,
                created,
                updated,
            )
        )
        return partner

    def help_request(
        self,
        state: HouseholdState,
        action_id: uuid.UUID,
        status: ActionStatus,
        publisher: tuple[uuid.UUID, str],
        created: dt.datetime,
    ) -> Staff | None:
        """A card on the task board for a volunteer's action; returns the volunteer who has it."""
        what, when_text = self.pick(HELP_CARDS)
        request_status = {
            ActionStatus.OPEN: HelpRequestStatus.OPEN,
            ActionStatus.BEZIG: HelpRequestStatus.ACCEPTED if self.rng.random() < 0.85 else HelpRequestStatus.DONE,
            ActionStatus.GEDAAN: HelpRequestStatus.CONFIRMED,
            ActionStatus.GESTOPT: HelpRequestStatus.WITHDRAWN,
        }[status]
        published = created + dt.timedelta(minutes=self.rng.randint(1, 120))
        request_id = self.new_id()
        self.event(state.id, publisher, EventKind.HELP_PUBLISHED, published, what=what)
        offers = self.rng.choices((0, 1, 2), (50, 35, 15))[0] if request_status is HelpRequestStatus.OPEN else 1
        if request_status is HelpRequestStatus.WITHDRAWN and self.rng.random() < 0.5:
            offers = 0
        chosen: Staff | None = None
        if offers and request_status in (HelpRequestStatus.ACCEPTED, HelpRequestStatus.DONE) and self.demo_tasks_left:
            demo = self.world.demo_volunteer
            assert demo is not None
            self.demo_tasks_left -= 1
            candidates = [demo]
        else:
            candidates = self.rng.sample(self.volunteers, offers) if offers else []
        accepted_at = done_at = confirmed_at = None
        offered_at = published
        for number, volunteer in enumerate(candidates):
            offered_at = offered_at + dt.timedelta(hours=self.rng.randint(1, 72))
            offer_status = HelpOfferStatus.PENDING
            if request_status is not HelpRequestStatus.OPEN and number == 0:
                offer_status = HelpOfferStatus.ACCEPTED
                chosen = volunteer
            self.rows["help_offer"].append(
                (
                    self.new_id(),
                    request_id,
                    volunteer.id,
                    volunteer.organisation_id,
                    self.pick(OFFER_MESSAGES),
                    offer_status.value,
                    offered_at,
                )
            )
            self.event(
                state.id,
                (volunteer.id, volunteer.name),
                EventKind.HELP_OFFERED,
                offered_at,
                what=what,
                organisation=volunteer.organisation_name,
            )
        last = offered_at
        if chosen is not None:
            accepted_at = offered_at + dt.timedelta(hours=self.rng.randint(1, 48))
            self.event(state.id, publisher, EventKind.HELP_ACCEPTED, accepted_at, volunteer=chosen.name, what=what)
            state.volunteers.add(chosen.id)
            last = accepted_at
            looks = self.rng.randint(1, 3)
            for _ in range(looks):
                last = last + dt.timedelta(hours=self.rng.randint(1, 96))
                state.looks.append(Look(last, chosen, Role.VOLUNTEER, "help_task"))
            if request_status in (HelpRequestStatus.DONE, HelpRequestStatus.CONFIRMED):
                done_at = last + dt.timedelta(days=self.rng.randint(1, 14))
                self.event(state.id, (chosen.id, chosen.name), EventKind.HELP_DONE, done_at, what=what)
                last = done_at
            if request_status is HelpRequestStatus.CONFIRMED:
                confirmed_at = last + dt.timedelta(hours=self.rng.randint(1, 72))
                self.event(state.id, publisher, EventKind.HELP_CONFIRMED, confirmed_at, what=what)
                last = confirmed_at
        if request_status is HelpRequestStatus.WITHDRAWN:
            last = last + dt.timedelta(days=self.rng.randint(1, 30))
            self.event(state.id, publisher, EventKind.HELP_WITHDRAWN, last, what=what)
        self.rows["help_request"].append(
            (
                request_id,
                state.id,
                action_id,
                self.world.municipality_id,
                what,
                when_text,
                state.wijk,
                request_status.value,
                chosen.id if chosen else None,
                publisher[0],
                accepted_at,
                done_at,
                confirmed_at,
                published,
                last,
            )
        )
        return chosen if request_status is not HelpRequestStatus.WITHDRAWN else None

    def share(
        self,
        state: HouseholdState,
        goal_id: uuid.UUID,
        goal_text: str,
        person: tuple[uuid.UUID, str] | None,
        organisation: tuple[uuid.UUID, str] | None,
        goal_created: dt.datetime,
    ) -> None:
        """The household shares a goal with a network member or a partner organisation, who then look at it."""
        at = goal_created + dt.timedelta(hours=self.rng.randint(1, 24 * 10))
        sharer = self.pick(state.adults)
        purpose = self.pick(SHARE_PURPOSES)
        with_name = person[1] if person else organisation[1] if organisation else ""
        self.rows["share"].append(
            (
                self.new_id(),
                state.id,
                goal_id,
                person[0] if person else None,
                organisation[0] if organisation else None,
                purpose,
                sharer[0],
                at,
                None,
            )
        )
        self.event(
            state.id, sharer, EventKind.SHARE_CREATED, at, goal=goal_text, purpose=purpose, **{"with": with_name}
        )
        end = dt.datetime.combine(state.end, dt.time(23), dt.UTC)
        if person is not None:
            self.event(state.id, sharer, EventKind.NETWORK_INVITED, at, name=person[1], action="")
            looker = Staff(person[0], person[1])
            for _ in range(self.rng.randint(1, 5)):
                state.looks.append(Look(self.between(at, end), looker, Role.NETWORK_MEMBER, "plan"))
        elif organisation is not None and organisation[1] not in state.shared_organisations:
            state.shared_organisations.add(organisation[1])
            professional = self.pick(self.partners[organisation[1]])
            for _ in range(self.rng.randint(1, 4)):
                resource = self.pick(("plan", "plan", "plan", "plan.goal", "plan.action"))
                state.looks.append(Look(self.between(at, end), professional, Role.PARTNER_PROFESSIONAL, resource))

    def between(self, first: dt.datetime, last: dt.datetime) -> dt.datetime:
        if last <= first:
            return first
        return first + dt.timedelta(seconds=self.rng.uniform(0, (last - first).total_seconds()))

    def involvement(self, state: HouseholdState) -> None:
        """The daily count of who is involved, written whenever help was accepted or someone was invited."""
        if not state.volunteers and state.network_member is None:
            return
        days = sorted({self.day_between(state.start, state.end) for _ in range(self.rng.randint(1, 3))})
        for number, day in enumerate(days, start=1):
            self.rows["involvement_count"].append(
                (
                    self.new_id(),
                    state.id,
                    day,
                    min(number, len(state.volunteers)),
                    1 if state.network_member else 0,
                    1 + len(state.shared_organisations),
                )
            )

    def access_log(self, state: HouseholdState) -> None:
        """Who looked, in time order, each entry chained to the one before it with the app's own hash."""
        first = dt.datetime.combine(state.start, dt.time(8), dt.UTC)
        last = dt.datetime.combine(state.end, dt.time(23), dt.UTC)
        active_days = (state.end - state.start).days
        regisseur_looks = self.rng.randint(1, 2 + min(30, active_days // 20))
        for _ in range(regisseur_looks):
            resource = self.weighted(self.look_resources)
            state.looks.append(Look(self.between(first, last), state.regisseur, Role.REGISSEUR, resource))
        if state.team.lead is not None:
            for _ in range(self.rng.choices((0, 1, 2, 3), (40, 30, 20, 10))[0]):
                state.looks.append(Look(self.between(first, last), state.team.lead, Role.TEAM_LEAD, "caseload.team"))
        state.looks.sort(key=lambda look: look.when)
        prev_hash = ""
        previous_when: dt.datetime | None = None
        for look in state.looks:
            when = min(look.when, self.now - dt.timedelta(hours=1))
            if previous_when is not None and when <= previous_when:
                # The chain is read in time order: every entry needs a moment of its own.
                when = previous_when + dt.timedelta(microseconds=1)
            previous_when = when
            link = ChainLink(
                prev_hash,
                state.id,
                look.actor.id,
                look.role.value,
                look.actor.organisation_name,
                look.resource,
                "read",
                when,
            )
            entry_hash = _entry_hash(cast(AccessLogEntry, link))
            self.rows["access_log"].append(
                (
                    self.new_id(),
                    state.id,
                    look.actor.id,
                    look.actor.name,
                    look.role.value,
                    look.actor.organisation_name,
                    look.resource,
                    "read",
                    when,
                    prev_hash,
                    entry_hash,
                )
            )
            prev_hash = entry_hash

    # -- batches -----------------------------------------------------------------------------------------

    def take(self) -> dict[str, list[Row]]:
        rows, self.rows = self.rows, {name: [] for name in COLUMNS}
        return rows

    def batches(self, size: int = BATCH) -> Iterator[tuple[int, dict[str, list[Row]]]]:
        """The world first, then the households, ``size`` at a time; yields how many are done and the rows."""
        self.setup()
        yield 0, self.take()
        for index in range(self.total):
            self.household(index)
            if (index + 1) % size == 0 or index + 1 == self.total:
                yield index + 1, self.take()


# --------------------------------------------------------------------------------------------------------
# Reading what is there, and loading
# --------------------------------------------------------------------------------------------------------


async def read_world(connection: AsyncConnection) -> World:
    municipality_id = await connection.scalar(select(Municipality.id).where(Municipality.slug == DEMO_SLUG))
    organisations: dict[str, tuple[uuid.UUID, OrganisationKind]] = {}
    staff: dict[Role, Staff] = {}
    if municipality_id is not None:
        existing = await connection.scalar(
            select(func.count()).select_from(Household).where(Household.municipality_id == municipality_id)
        )
        if existing and existing > MAX_EXISTING_HOUSEHOLDS:
            raise SystemExit(f"Woerden has {existing:,} households already: load the bulk set into a fresh database.")
        for organisation_id, name, kind in await connection.execute(
            select(Organisation.id, Organisation.name, Organisation.kind).where(
                Organisation.municipality_id == municipality_id
            )
        ):
            organisations[name] = (organisation_id, OrganisationKind(kind))
        wanted = {(name, role.value) for name, role in DEMO_PEOPLE}
        rows = await connection.execute(
            select(Person.id, Person.display_name, RoleAssignment.role, RoleAssignment.team_id)
            .join(RoleAssignment, RoleAssignment.person_id == Person.id)
            .where(Person.municipality_id == municipality_id, RoleAssignment.revoked_at.is_(None))
        )
        organisation_names = {v[0]: k for k, v in organisations.items()}
        for person_id, name, role, team_id in rows:
            if (name, role) in wanted:
                staff[Role(role)] = Staff(person_id, name, team_id=team_id)
        volunteer = staff.get(Role.VOLUNTEER)
        if volunteer is not None:
            organisation_id = await connection.scalar(
                select(RoleAssignment.organisation_id).where(
                    RoleAssignment.person_id == volunteer.id, RoleAssignment.role == Role.VOLUNTEER
                )
            )
            volunteer.organisation_id = organisation_id
            volunteer.organisation_name = organisation_names.get(organisation_id, "") if organisation_id else ""
    regisseur = staff.get(Role.REGISSEUR)
    lead = staff.get(Role.TEAM_LEAD)
    if lead is not None and (regisseur is None or lead.team_id != regisseur.team_id):
        lead = None
    return World(municipality_id, organisations, regisseur, lead, staff.get(Role.VOLUNTEER))


@dataclass
class Summary:
    households: int
    seconds: float
    rows: dict[str, int]


async def generate(database_url: str, households: int, seed: int = DEFAULT_SEED, *, progress: bool = True) -> Summary:
    """Load ``households`` bulk households into the database at ``database_url`` (migrated already)."""
    check_columns()
    started = time.monotonic()
    counts: dict[str, int] = {}
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            driver: Any | None = None
            if connection.dialect.name == "postgresql":
                raw = await connection.get_raw_connection()
                driver = raw.driver_connection
                # Foreign keys are not checked row by row during the load (that would double its time): the rows
                # are made parents first, with ids taken from what was made before.
                await connection.execute(text("SET LOCAL session_replication_role = replica"))
            world = await read_world(connection)
            generator = Generator(world, households, seed, dt.datetime.now(dt.UTC))
            writer = Writer(connection, driver)
            bar = Progress(households, "households", enabled=progress)
            # The next batch is made in a thread while this one is written, so that the database works while
            # Python makes rows (the generator itself runs in one thread at a time).
            batches = generator.batches()
            upcoming = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
            while (item := await upcoming) is not None:
                upcoming = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
                done, rows = item
                for table in TABLE_ORDER:
                    await writer.write(table, rows[table])
                bar.show(done)
            counts = writer.counts
            bar.finish(f"({sum(counts.values()):,} rows)")
        if driver is not None:
            # Statistics for the planner and the visibility map, as autovacuum would have left them by now.
            async with engine.connect() as connection:
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                if progress:
                    print("VACUUM ANALYZE ...", file=sys.stderr, flush=True)
                await autocommit.execute(text("VACUUM ANALYZE"))
    finally:
        await engine.dispose()
    return Summary(households, time.monotonic() - started, counts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--database-url", required=True, help="a SQLAlchemy URL, e.g. postgresql+asyncpg://...")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args()
    summary = asyncio.run(generate(args.database_url, args.households, args.seed, progress=not args.quiet))
    print(f"{summary.households:,} households in {summary.seconds:.1f} s:")
    for table, count in summary.rows.items():
        if count:
            print(f"  {table:<18} {count:>12,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
