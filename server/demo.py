"""Demo data for gemeente Woerden, from the scenarios in the sources, and the first admin of a gemeente.

``load_demo`` is idempotent: when Woerden is there already it adds nothing and only hands out fresh
one-time sign-in links. It is loaded by ``onsplan demo`` (and so by ``make run``), never by the app itself.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.auth import enrolment
from server.config import Settings
from server.db import make_engine
from server.domain import access_log, involvement, lifecycle, partner
from server.domain.budget import ledger
from server.domain.demo_people import DEMO_SLUG, demo_people
from server.domain.events import EventKind, record_event
from server.domain.models import (
    Household,
    Member,
    Municipality,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    Person,
    Phase,
    ReferralSource,
    Role,
    Team,
    Trajectory,
    TriageOutcome,
    utcnow,
)
from server.domain.network import service as network
from server.domain.network.model import NetworkPerson
from server.domain.network.service import add_note
from server.domain.notifications import routing, schedule
from server.domain.people import create_person
from server.domain.plan import service as plan
from server.domain.plan.model import Goal, PlanAction
from server.domain.policy import Actor, Relation, actor_for
from server.domain.ratings import instruments
from server.domain.ratings import service as ratings
from server.domain.ratings.model import AssessmentKind
from server.domain.teamwork import cover as covers
from server.domain.teamwork import escalation as escalations
from server.domain.teamwork.model import cover_day
from server.domain.volunteering import service as volunteering
from server.domain.workspace import evaluation as evaluations
from server.domain.workspace import handover as handovers
from server.domain.workspace import intake as intakes
from server.domain.workspace import steps
from server.views.presenters import demo_label


@dataclass
class DemoResult:
    created: bool
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (name, label, url)

    def describe(self, origin: str) -> str:
        lines = [
            "Demodata geladen (gemeente Woerden)." if self.created else "Demodata was er al (gemeente Woerden).",
            "",
            f"Open {origin} en kies op de startpagina wie je wilt zijn,",
            "of open een van deze eenmalige links (7 dagen geldig) en maak een passkey in je browser:",
        ]
        width = max((len(f"{name} ({label})") for name, label, _url in self.links), default=0)
        lines += [f"  {f'{name} ({label})':<{width}}  {url}" for name, label, url in self.links]
        return "\n".join(lines)


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:60] or "gemeente"


async def _with_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[object]]) -> object:
    engine = make_engine(settings)
    try:
        maker = async_sessionmaker(engine, expire_on_commit=False)
        async with maker() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


@dataclass
class DemoWorld:
    municipality: Municipality
    team: Team
    organisations: dict[str, Organisation]
    people: dict[str, Person]


async def _build_world(db: AsyncSession) -> DemoWorld:
    woerden = Municipality(name="Woerden", slug=DEMO_SLUG)
    db.add(woerden)
    await db.flush()
    team = Team(municipality_id=woerden.id, name="Sociaal team Woerden")
    other_team = Team(municipality_id=woerden.id, name="Sociaal team Harmelen")
    db.add_all([team, other_team])
    organisations: dict[str, Organisation] = {}
    partners = ("MEE", "Schuldhulpverlening", "Altrecht (GGZ)", "CJG", "Sociale Zaken", "GroenWest (woningcorporatie)")
    for name in partners:
        organisations[name] = Organisation(municipality_id=woerden.id, name=name, kind=OrganisationKind.PARTNER)
    for name in ("Handje Helpen", "Humanitas"):
        organisations[name] = Organisation(municipality_id=woerden.id, name=name, kind=OrganisationKind.VOLUNTEER)
    db.add_all(organisations.values())
    await db.flush()

    async def person(name: str, role: Role, **context: uuid.UUID) -> Person:
        return await create_person(db, municipality_id=woerden.id, display_name=name, role=role, **context)

    people = {
        "Fatima": await person("Fatima", Role.REGISSEUR, team_id=team.id),
        "Joost": await person("Joost", Role.REGISSEUR, team_id=team.id),
        "Ilse": await person("Ilse", Role.REGISSEUR, team_id=other_team.id),
        "Karin": await person("Karin", Role.TEAM_LEAD, team_id=team.id),
        "Bram": await person("Bram", Role.ADMIN),
        "Ruud": await person("Ruud", Role.PARTNER_PROFESSIONAL, organisation_id=organisations["MEE"].id),
        "Ria": await person("Ria", Role.VOLUNTEER_COORDINATOR, organisation_id=organisations["Handje Helpen"].id),
    }
    for name in ("Sem", "Lotte", "Henk"):
        people[name] = await person(name, Role.VOLUNTEER, organisation_id=organisations["Handje Helpen"].id)
    people["Gerda"] = await person("Gerda", Role.VOLUNTEER, organisation_id=organisations["Humanitas"].id)
    return DemoWorld(municipality=woerden, team=team, organisations=organisations, people=people)


@dataclass(frozen=True)
class DemoHousehold:
    """A household from the Woerden scenarios (woerden.md), with invented neutral names."""

    name: str
    wijk: str
    address: str
    adults: tuple[str, ...]
    children: tuple[str, ...]
    regisseur: str
    phase: Phase
    referral: ReferralSource
    referred_by: str = ""
    # The question the household came with, in its own words.
    question: str = ""
    # For households past the triage: its outcome and why.
    triage: tuple[TriageOutcome, str] | None = None
    # Adults who chose a language of their own for Ons Plan.
    languages: tuple[tuple[str, str], ...] = ()


DEMO_HOUSEHOLDS = (
    # A single mother with one child; on bad days she cannot take him to school (seed 000).
    DemoHousehold(
        "De Vries",
        "Schilderskwartier",
        "Van Oldenbarneveltlaan 12, Woerden",
        ("Anouk",),
        ("Milan",),
        "Fatima",
        Phase.UITVOERING,
        ReferralSource.ZELF,
        question="Ik wil dat Milan elke dag naar school kan, ook als het met mij niet goed gaat.",
        triage=(TriageOutcome.VRIJWILLIGERS, "Hulp is nodig bij het brengen naar school; geen zware problemen."),
    ),
    # A family with four children; bijzondere bijstand and debt counselling with priority (seed 000).
    DemoHousehold(
        "El Amrani",
        "Molenvliet",
        "Molenvlietbaan 40, Woerden",
        ("Samira", "Youssef"),
        ("Nora", "Adam", "Ilias", "Yara"),
        "Fatima",
        Phase.INTAKE,
        ReferralSource.KETENPARTNER,
        "Maatschappelijk werk",
        question="We willen dat de aanvragen snel gaan en dat er rust komt voor de kinderen.",
        triage=(TriageOutcome.REGISSEUR, "Veel organisaties betrokken en niemand houdt het overzicht."),
        # Samira reads Arabic better than Dutch.
        languages=(("Samira", "ar"),),
    ),
    # A father asked the CJG for transport; the family turned out to face eviction (seed 002).
    DemoHousehold(
        "Jansen",
        "Snel en Polanen",
        "Rembrandtlaan 3, Woerden",
        ("Peter", "Marloes"),
        ("Daan",),
        "Joost",
        Phase.TRIAGE,
        ReferralSource.KETENPARTNER,
        "CJG",
        question="Kan iemand Daan naar school brengen? De auto is weg.",
    ),
    # A neighbour worried about the house and a child (seed 000); the household of the other team.
    DemoHousehold(
        "Bakker",
        "Harmelen",
        "Dorpsstraat 8, Harmelen",
        ("Wim",),
        ("Sophie", "Lucas"),
        "Ilse",
        Phase.AANMELDING,
        ReferralSource.PARTICULIER,
        "Een buurvrouw",
    ),
    # A man who came to the gemeente's counter himself, about debts and work (seed 000: "zelf").
    DemoHousehold(
        "Smit",
        "Zegveld",
        "Hoofdweg 21, Zegveld",
        ("Henk",),
        (),
        "Fatima",
        Phase.AANMELDING,
        ReferralSource.ZELF,
        question="Ik wil van mijn schulden af en weer aan het werk.",
    ),
    # Leerplicht and the re-integratie consultant registered the same family (seed 000: intern gemeente).
    DemoHousehold(
        "Demir",
        "Staatsliedenkwartier",
        "Thorbeckelaan 7, Woerden",
        ("Elif", "Murat"),
        ("Can", "Ayla"),
        "Fatima",
        Phase.TRIAGE,
        ReferralSource.INTERN_GEMEENTE,
        "Leerplicht",
        question="Can gaat niet meer naar school en de rekeningen stapelen zich op.",
    ),
    # A single father with three children (seed 003, household J): the plan worked, Humanitas stays near;
    # the regisseur keeps a waakvlam with check-ins.
    DemoHousehold(
        "Visser",
        "Waterrijk",
        "Waterrijklaan 5, Woerden",
        ("Rob",),
        ("Jesse", "Mila", "Finn"),
        "Fatima",
        Phase.UITVOERING,
        ReferralSource.NETWERK,
        "Zijn zus",
        question="Ik wil de kinderen zelf goed opvangen, ook na mijn werk.",
        triage=(TriageOutcome.REGISSEUR, "Veel vragen tegelijk: werk, opvang en geld."),
    ),
    # A couple whose goals were reached; the trajectory is closed and the dossier stays theirs.
    DemoHousehold(
        "Koster",
        "Schilderskwartier",
        "Jan Steenlaan 14, Woerden",
        ("Ingrid", "Kees"),
        ("Lieke",),
        "Joost",
        Phase.UITVOERING,
        ReferralSource.ZELF,
        question="We willen de huurachterstand oplossen en weer rust.",
        triage=(TriageOutcome.KORTSTONDIG, "Een paar dingen snel regelen en dan loslaten."),
    ),
)


async def _build_households(db: AsyncSession, world: DemoWorld) -> dict[str, Household]:
    households: dict[str, Household] = {}
    for spec in DEMO_HOUSEHOLDS:
        regisseur = world.people[spec.regisseur]
        team_id = next(r.team_id for r in regisseur.roles if r.team_id)
        assert team_id is not None
        household = Household(
            municipality_id=world.municipality.id,
            team_id=team_id,
            name=spec.name,
            wijk=spec.wijk,
            address=spec.address,
            phone="06-12345678",
        )
        db.add(household)
        await db.flush()
        for first_name in spec.adults:
            person = await create_person(
                db,
                municipality_id=world.municipality.id,
                display_name=first_name,
                role=Role.HOUSEHOLD_MEMBER,
                household_id=household.id,
            )
            person.locale = dict(spec.languages).get(first_name)
            world.people.setdefault(first_name, person)
            db.add(Member(household_id=household.id, person_id=person.id, first_name=first_name, is_adult=True))
        for first_name in spec.children:
            db.add(Member(household_id=household.id, first_name=first_name, is_adult=False))
        # A household in triage got there through the lifecycle, so its timeline shows the step.
        trajectory = Trajectory(
            household_id=household.id,
            phase=Phase.AANMELDING if spec.phase == Phase.TRIAGE else spec.phase,
            regisseur_id=regisseur.id,
            regisseur_since=utcnow().date(),
            referral_source=spec.referral,
            referred_by=spec.referred_by,
            question=spec.question,
        )
        if spec.triage:
            trajectory.triage_outcome, trajectory.triage_reason = spec.triage
        db.add(trajectory)
        await db.flush()
        await record_event(
            db,
            household_id=household.id,
            actor=regisseur,
            kind=EventKind.HOUSEHOLD_REGISTERED,
            detail={"question": spec.question},
        )
        if spec.phase == Phase.TRIAGE:
            await lifecycle.start_triage(db, trajectory, regisseur)
        households[spec.name] = household
    return households


async def _build_plans(db: AsyncSession, world: DemoWorld, households: dict[str, Household]) -> None:
    """Plans, ratings and shares from the Woerden stories: the mother whose goal is a stable network, with
    volunteers taking her son to school; the family whose regisseur arranged the money matters first; the
    family that turned out to face eviction."""
    instrument = instruments.built_in()[instruments.DEFAULT_KEY]
    today = utcnow().date()
    fatima, joost = actor_for(world.people["Fatima"]), actor_for(world.people["Joost"])

    de_vries = households["De Vries"]
    anouk = actor_for(world.people["Anouk"])
    oma = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Oma Ineke",
        role=Role.NETWORK_MEMBER,
        household_id=de_vries.id,
    )
    world.people["Oma Ineke"] = oma
    # Scores at intake and at the first tussenevaluatie (seed 000: most still at 3 or lower, some moved up).
    at_intake = {"financien": 2, "dagbesteding": 1, "huisvesting": 3, "huiselijke_relaties": 3,
                 "geestelijke_gezondheid": 2, "lichamelijke_gezondheid": 1, "verslaving": 5, "adl": 3,
                 "sociaal_netwerk": 1, "participatie": 2, "justitie": 5}  # fmt: skip
    later = {**at_intake, "sociaal_netwerk": 3, "dagbesteding": 2, "geestelijke_gezondheid": 3}
    regisseur_view = {**at_intake, "sociaal_netwerk": 2, "lichamelijke_gezondheid": 2, "financien": 4}
    for actor, relation, when, scores, kind in (
        (anouk, Relation.MEMBER, today - dt.timedelta(days=91), at_intake, AssessmentKind.NULMETING),
        (fatima, Relation.REGISSEUR, today - dt.timedelta(days=91), regisseur_view, AssessmentKind.NULMETING),
        (anouk, Relation.MEMBER, today - dt.timedelta(days=7), later, AssessmentKind.TUSSENEVALUATIE),
    ):
        await ratings.start_assessment(db, actor, relation, de_vries.id, instrument, kind, when.isoformat())
        for key, score in scores.items():
            await ratings.rate(db, actor, relation, de_vries.id, instrument, key, str(score))

    async def goal(household: Household, actor: Actor, relation: Relation, **fields: str) -> Goal:
        return await plan.create_goal(db, actor, relation, household.id, instrument, plan.GoalInput(**fields))

    async def action(household: Household, actor: Actor, goal_row: Goal, **fields: str) -> PlanAction:
        return await plan.create_action(db, actor, household.id, goal_row.id, plan.ActionInput(**fields))

    network = await goal(
        de_vries, anouk, Relation.MEMBER, domain_key="sociaal_netwerk", horizon="drie_maanden", target_score="4",
        text="Ik wil een vast netwerk van mensen die ik kan bellen als het niet gaat.",
    )  # fmt: skip
    # Three volunteers take Milan to school on bad days (seed 000): two already do; the third card is open,
    # so that the demo volunteer can offer to help and the household can accept.
    school_runs = (
        ("maandag en dinsdag", "Lotte"),
        ("woensdag en donderdag", "Henk"),
        ("vrijdag", None),
    )
    for days, volunteer_name in school_runs:
        run = await action(
            de_vries, anouk, network, who_type="vrijwilliger",
            what=f"Op slechte dagen op {days} Milan naar school brengen en ophalen.",
        )  # fmt: skip
        card = await volunteering.publish(
            db, anouk, de_vries.id, run.id,
            volunteering.HelpRequestInput(
                what=f"Een kind van 8 naar school brengen en ophalen, op {days}", when_text="op slechte dagen, 8.15 uur"
            ),
        )  # fmt: skip
        if volunteer_name:
            offered = await volunteering.offer(db, actor_for(world.people[volunteer_name]), card.id)
            await volunteering.decide(db, anouk, de_vries.id, offered.id, accept=True)
    grandma = await action(
        de_vries, anouk, network, who_type="netwerk", performer="Oma Ineke",
        what="Oma Ineke vragen of zij op woensdag Milan ophaalt.",
    )  # fmt: skip
    grandma.assigned_person_id = oma.id
    await plan.tick_action(db, anouk, Relation.MEMBER, de_vries.id, grandma.id, done=True)
    await plan.share_goal(
        db, anouk, de_vries.id, world.municipality.id, network.id,
        plan.ShareInput(target=f"person:{oma.id}", purpose="om te helpen met Milan naar school"),
    )  # fmt: skip
    pain = await goal(
        de_vries, anouk, Relation.MEMBER, domain_key="lichamelijke_gezondheid", horizon="eerst",
        text="Ik wil weten wat ik aan de pijn kan doen.",
    )  # fmt: skip
    await action(
        de_vries, anouk, pain, who_type="zelf", due_on=(today + dt.timedelta(days=10)).isoformat(),
        what="Een afspraak maken bij de huisarts.",
    )  # fmt: skip
    daytime = await goal(
        de_vries, anouk, Relation.MEMBER, domain_key="dagbesteding", horizon="een_jaar",
        text="Een paar ochtenden per week iets doen buiten de deur.",
    )  # fmt: skip
    mee = world.organisations["MEE"]
    await plan.share_goal(
        db, anouk, de_vries.id, world.municipality.id, daytime.id,
        plan.ShareInput(target=f"organisation:{mee.id}", purpose="hulp bij het zoeken"),
    )  # fmt: skip
    # Given to MEE: Ruud finds both on his start page; he already picked up the first.
    visit = await action(
        de_vries, fatima, daytime, who_type="professional", organisation=str(mee.id),
        professional_reason="MEE kent de plekken voor dagbesteding die bij Anouk passen.",
        what="Samen twee plekken voor dagbesteding bekijken.", due_on=(today + dt.timedelta(days=8)).isoformat(),
    )  # fmt: skip
    ruud = actor_for(world.people["Ruud"])
    await partner.take_action(db, ruud, de_vries.id, visit.id)
    await add_note(
        db,
        ruud,
        Relation.PARTNER_WITH_SHARE,
        de_vries.id,
        visit.id,
        "Donderdag om 10 uur bij De Brug, ik haal Anouk op.",
    )
    call = await action(
        de_vries, fatima, daytime, who_type="professional", organisation=str(mee.id),
        professional_reason="Een indicatie voor dagbesteding vraagt MEE aan.",
        what="De aanvraag voor dagbesteding indienen.", due_on=(today + dt.timedelta(days=1)).isoformat(),
    )  # fmt: skip
    # Overdue by now (the form refuses a day already past, so it is set afterwards).
    call.due_on = today - dt.timedelta(days=3)
    # Anouk shares her scores with MEE too, so that Ruud sees how she is doing.
    await partner.share_ratings(
        db, anouk, de_vries.id, partner.RatingsShareInput(organisation=str(mee.id), purpose="passende dagbesteding")
    )

    el_amrani = households["El Amrani"]
    money = await goal(
        el_amrani, fatima, Relation.REGISSEUR, domain_key="financien", horizon="eerst",
        text="Bijzondere bijstand en schuldhulp zijn met voorrang geregeld.",
    )  # fmt: skip
    await action(
        el_amrani, fatima, money, who_type="professional", performer="Schuldhulpverlening",
        professional_reason="De schuldregeling loopt al bij schuldhulp en moet doorgaan.",
        what="Schuldhulp gaat door; de regisseur belt elke twee weken.",
    )  # fmt: skip
    # Samira writes in her own words, in Arabic: "I want calm at home, for the children." It stays as written.
    samira = actor_for(world.people["Samira"])
    calm = await goal(
        el_amrani, samira, Relation.MEMBER, domain_key="huiselijke_relaties",
        horizon="drie_maanden", text="أريد أن يكون هناك هدوء في البيت من أجل الأطفال.",
    )  # fmt: skip
    # Swimming lessons on Wednesday and Saturday for eight weeks: Lotte takes the Wednesdays and knows only
    # Nora's first name and the pool; the Saturdays are still open on the task board.
    swimming = await action(
        el_amrani, samira, calm, who_type="vrijwilliger", what="Nora en Adam naar zwemles brengen en ophalen.",
    )  # fmt: skip
    lessons = await volunteering.publish(
        db, samira, el_amrani.id, swimming.id,
        volunteering.HelpRequestInput(
            what="Twee kinderen naar zwemles brengen en weer ophalen", when_text="om 14.00 uur",
            kind=volunteering.RECURRING, weekdays=["wo", "za"],
            starts_on=today.isoformat(), ends_on=(today + dt.timedelta(weeks=8)).isoformat(),
        ),
    )  # fmt: skip
    lotte = await volunteering.offer(db, actor_for(world.people["Lotte"]), lessons.id, weekdays=["wo"])
    await volunteering.decide(db, samira, el_amrani.id, lotte.id, accept=True)
    nora = await db.scalar(select(Member.id).where(Member.household_id == el_amrani.id, Member.first_name == "Nora"))
    await volunteering.disclose(
        db, samira, el_amrani.id, lotte.id,
        volunteering.DisclosureInput(members=[str(nora)], place="plek", place_text="Zwembad Batenstein, Woerden"),
    )  # fmt: skip
    await plan.share_goal(
        db, actor_for(world.people["Samira"]), el_amrani.id, world.municipality.id, money.id,
        plan.ShareInput(
            target=f"organisation:{world.organisations['Schuldhulpverlening'].id}", purpose="de schuldregeling"
        ),
    )  # fmt: skip

    jansen = households["Jansen"]
    peter = actor_for(world.people["Peter"])
    home = await goal(
        jansen, peter, Relation.MEMBER, domain_key="huisvesting", horizon="eerst",
        text="We willen in ons huis blijven wonen.",
    )  # fmt: skip
    await action(
        jansen, joost, home, who_type="professional", performer="GroenWest",
        professional_reason="Alleen de woningcorporatie kan de ontruiming stoppen.",
        what="Een betalingsregeling voor de huurachterstand afspreken.",
    )  # fmt: skip
    await action(jansen, peter, home, who_type="vrijwilliger", what="Fietsles voor Marloes.")


async def _build_networks(db: AsyncSession, world: DemoWorld, households: dict[str, Household]) -> None:
    """The people around Anouk and Milan: Oma Ineke, who already helps (she has a passkey link of her own),
    a friend and a neighbour who could, the school and the huisarts, and Milan's father, whom Anouk would
    rather not involve. Fleur has one action open, so the household can invite her from the plan."""
    de_vries = households["De Vries"]
    anouk = actor_for(world.people["Anouk"])
    people = (
        ("Oma Ineke", "familie", "informeel", "1", "Milan ophalen op woensdag, bellen als het niet gaat"),
        ("Fleur", "vriend", "informeel", "1", "boodschappen, even langskomen"),
        ("Buurvrouw Trees", "buur", "informeel", "2", "op Milan letten na school"),
        ("Voetbalclub Milan", "vereniging", "informeel", "3", ""),
        ("Juf Mirjam (school)", "anders", "formeel", "2", "laat weten als Milan iets nodig heeft"),
        ("Huisarts", "anders", "formeel", "3", "de pijn"),
    )
    added: dict[str, NetworkPerson] = {}
    for name, relation, kind, ring, help_with in people:
        added[name] = await network.add_person(
            db, anouk, de_vries.id,
            network.NetworkPersonInput(name=name, relation=relation, kind=kind, ring=ring, can_help_with=help_with),
        )  # fmt: skip
    added["Oma Ineke"].person_id = world.people["Oma Ineke"].id
    await network.add_person(
        db, anouk, de_vries.id,
        network.NetworkPersonInput(
            name="Vader van Milan", relation="familie", kind="informeel", ring="3", not_involved="ja",
            not_involved_reason="Dat geeft te veel onrust.",
        ),
    )  # fmt: skip
    goal_id = await db.scalar(
        select(Goal.id).where(Goal.household_id == de_vries.id, Goal.domain_key == "sociaal_netwerk")
    )
    assert goal_id is not None, "the plans step runs first"
    await plan.create_action(
        db, anouk, de_vries.id, goal_id,
        plan.ActionInput(what="Fleur vragen of zij één keer per week boodschappen met me doet.", who_type="netwerk",
                         performer="Fleur"),
    )  # fmt: skip


async def _trajectory(db: AsyncSession, household: Household) -> Trajectory:
    found = await db.scalar(select(Trajectory).where(Trajectory.household_id == household.id))
    assert found is not None
    return found


async def _build_workspace(db: AsyncSession, world: DemoWorld, households: dict[str, Household]) -> None:
    """A household in every phase of the regisseur's work: El Amrani halfway through the intake (the check
    shows what is still missing), De Vries in uitvoering with its next evaluation, Visser in waakvlam with
    check-ins, Koster closed with its goals reached; Joost asks Fatima to take over Jansen."""
    instrument = instruments.built_in()[instruments.DEFAULT_KEY]
    today = utcnow().date()
    people = world.people
    fatima, joost = actor_for(people["Fatima"]), actor_for(people["Joost"])

    # El Amrani: the intake at the kitchen table is half done.
    el_amrani = households["El Amrani"]
    trajectory = await _trajectory(db, el_amrani)
    intake = await intakes.intake_for(db, trajectory)
    await intakes.save_intake(
        db, fatima.person, trajectory, intake,
        intakes.IntakeInput(
            held_on=(today - dt.timedelta(days=2)).isoformat(), present="Samira, Youssef en Fatima (regisseur)",
            question=trajectory.question,
            agreements="Fatima belt Sociale Zaken over de bijzondere bijstand. Samira zoekt de brieven op.",
        ),
    )  # fmt: skip
    samira = actor_for(people["Samira"])
    await ratings.start_assessment(
        db, samira, Relation.MEMBER, el_amrani.id, instrument, AssessmentKind.NULMETING, today.isoformat()
    )
    for domain in instrument.domains:
        await ratings.rate(db, samira, Relation.MEMBER, el_amrani.id, instrument, domain.key, "2")
    await intakes.add_history_item(
        db, samira, Relation.MEMBER, el_amrani.id,
        intakes.HistoryInput(
            helper="Maatschappelijk werk", period="2023-2024",
            helped="Iemand die met ons de post doorliep.", not_helped="Steeds een andere hulpverlener.",
        ),
    )  # fmt: skip
    await involvement.add_involvement(
        db, fatima, el_amrani.id,
        involvement.InvolvementInput(
            organisation_name="Sociale Zaken", professional_name="Mirjam Bos", contact="0348 428 911",
            from_on=(today - dt.timedelta(days=200)).isoformat(),
        ),
    )  # fmt: skip
    await intakes.skip_part(
        db, trajectory, intake, intakes.SkipInput("network", "Samira wil de netwerkkaart samen met Youssef maken.")
    )

    # De Vries: in uitvoering; the organisations involved and the next evaluation.
    de_vries = households["De Vries"]
    trajectory = await _trajectory(db, de_vries)
    # Due within a week: Fatima and Anouk find it in "Meldingen" (see _build_notifications).
    await evaluations.plan_evaluation(db, trajectory, fatima.person, cover_day() + dt.timedelta(days=6), first=True)
    await involvement.add_involvement(
        db, fatima, de_vries.id,
        involvement.InvolvementInput(
            organisation_name="CJG", professional_name="Marieke de Graaf", contact="0348 123 456",
            from_on=(today - dt.timedelta(days=120)).isoformat(),
        ),
    )  # fmt: skip
    await involvement.add_involvement(
        db, fatima, de_vries.id,
        involvement.InvolvementInput(
            organisation_name="Altrecht (GGZ)", from_on=(today - dt.timedelta(days=700)).isoformat(),
            to_on=(today - dt.timedelta(days=300)).isoformat(),
        ),
    )  # fmt: skip

    # Visser: the plan worked; after the evaluation a waakvlam with check-ins.
    visser = households["Visser"]
    rob = actor_for(people["Rob"])
    trajectory = await _trajectory(db, visser)
    after_school = await plan.create_goal(
        db, rob, Relation.MEMBER, visser.id, instrument,
        plan.GoalInput(domain_key="dagbesteding", text="Na school is er iemand voor de kinderen.", horizon="eerst"),
    )  # fmt: skip
    # The evaluation at the table: both score in one round, the goal is reached, and they scale down.
    held = await steps.start_evaluation(db, fatima.person, trajectory)
    for actor, relation, score in ((rob, Relation.MEMBER, "4"), (fatima, Relation.REGISSEUR, "4")):
        await ratings.rate(db, actor, relation, visser.id, instrument, "dagbesteding", score)
    await evaluations.review_goal(
        db, fatima, visser.id, held.id, instrument,
        evaluations.ReviewInput(goal=str(after_school.id), outcome="bereikt", note="Oma en de buurvrouw wisselen af."),
    )  # fmt: skip
    await steps.decide_evaluation(
        db, fatima.person, trajectory, held.id,
        steps.DecisionInput(decision="afschalen", first_on=(today + dt.timedelta(days=9)).isoformat()),
    )  # fmt: skip

    # Koster: goals reached, closed without an eindmeting; Ingrid still reads the whole dossier.
    koster = households["Koster"]
    trajectory = await _trajectory(db, koster)
    await steps.close(db, joost.person, trajectory, steps.CloseInput("doelen bereikt", without_eindmeting="ja"))

    # Jansen: Joost asks Fatima to take over; she finds it waiting on her start page.
    trajectory = await _trajectory(db, households["Jansen"])
    await handovers.offer_regisseur_handover(
        db, joost, trajectory,
        handovers.RegisseurHandoverInput(str(fatima.id), "Ik ga minder werken; jij kent de buurt."),
    )  # fmt: skip


async def _build_teamwork(db: AsyncSession, world: DemoWorld, households: dict[str, Household]) -> None:
    """What waits for the team lead: a doorbraak asked for De Vries (the day activity has a waiting list), one
    decided for El Amrani, a gezinsbudget for De Vries with one grant above Fatima's mandate, and Joost covering
    for Fatima during her holiday next month. For the admin: a recovery link that waits for his approval."""
    today = utcnow().date()
    people = world.people
    fatima, karin = actor_for(people["Fatima"]), actor_for(people["Karin"])

    de_vries = households["De Vries"]
    trajectory = await _trajectory(db, de_vries)
    daytime = await db.scalar(
        select(Goal.id).where(Goal.household_id == de_vries.id, Goal.domain_key == "dagbesteding")
    )
    await escalations.raise_escalation(
        db, fatima, trajectory,
        escalations.EscalationInput(
            blocked="Dagbesteding bij De Brug kan pas na een wachttijd van vier maanden.",
            blocked_by="Wachtlijst dagbesteding (Wmo)", needed="Een plek met voorrang, of een tijdelijke plek.",
            needed_by=(today + dt.timedelta(days=14)).isoformat(), goal=str(daytime),
        ),
    )  # fmt: skip
    for kind, purpose, amount in (
        ("grant", "Gezinsbudget voor het plan", "450,00"),
        ("spending", "Schoolspullen voor Milan", "120,00"),
        ("spending", "Buskaart naar de dagbesteding", "24,95"),
        # Above the mandate of € 500: waits for Karin.
        ("grant", "Een wasmachine", "650,00"),
    ):
        await ledger.book_entry(db, fatima, de_vries.id, ledger.EntryInput(kind=kind, purpose=purpose, amount=amount))

    el_amrani = households["El Amrani"]
    asked = await escalations.raise_escalation(
        db, fatima, await _trajectory(db, el_amrani),
        escalations.EscalationInput(
            blocked="Sociale Zaken beslist pas na acht weken over de bijzondere bijstand.",
            blocked_by="Sociale Zaken", needed="Een beslissing binnen twee weken, want de huur is achter.",
        ),
    )  # fmt: skip
    await escalations.decide(
        db, karin, el_amrani.id, asked.id,
        escalations.DecisionInput(
            outcome="toegekend", arranged="Sociale Zaken beslist binnen tien dagen; Karin sprak het af met de afdeling."
        ),
    )  # fmt: skip

    # Ilse (Harmelen) lost her phone; Karin made her a new link, which waits for a second person: Bram.
    ilse = people["Ilse"]
    ilse.enrolled_at = utcnow() - dt.timedelta(days=60)
    await enrolment.issue(db, person=ilse, created_by=karin.person, origin="http://localhost")

    holiday = today + dt.timedelta(days=21)
    await covers.start_cover(
        db, karin,
        covers.CoverInput(
            absent=str(people["Fatima"].id), covering=str(people["Joost"].id),
            starts_on=holiday.isoformat(), ends_on=(holiday + dt.timedelta(days=13)).isoformat(),
        ),
    )  # fmt: skip


async def _build_notifications(db: AsyncSession, world: DemoWorld, households: dict[str, Household]) -> None:
    """What waits in "Meldingen": for Anouk, Sem's offer to do the Saturday shopping with her; for Fatima and
    Anouk, the evaluation of De Vries within a week. The history the demo was made of tells nobody: it happened
    before anyone could be told."""
    await db.execute(update(OutboxMessage).where(OutboxMessage.processed_at.is_(None)).values(processed_at=utcnow()))
    de_vries = households["De Vries"]
    anouk = actor_for(world.people["Anouk"])
    network_goal = await db.scalar(
        select(Goal).where(Goal.household_id == de_vries.id, Goal.domain_key == "sociaal_netwerk")
    )
    assert network_goal is not None
    shopping = await plan.create_action(
        db, anouk, de_vries.id, network_goal.id,
        plan.ActionInput(who_type="vrijwilliger", what="Op zaterdag samen boodschappen doen."),
    )  # fmt: skip
    card = await volunteering.publish(
        db, anouk, de_vries.id, shopping.id,
        volunteering.HelpRequestInput(
            what="Samen boodschappen doen met een moeder en haar zoon", when_text="zaterdag, 10 uur"
        ),
    )  # fmt: skip
    await volunteering.offer(db, actor_for(world.people["Sem"]), card.id, "Ik kan op zaterdag, ik heb een auto.")
    await schedule.run_scheduler(db)
    await routing.route_all(db)


# Each capability adds its part of the demo here: each step gets the world and the households.
DemoStep = Callable[[AsyncSession, DemoWorld, dict[str, Household]], Awaitable[None]]


async def _build_looks(db: AsyncSession, world: DemoWorld, households: dict[str, Household]) -> None:
    """Who looked at the plan of De Vries, for "Wie keek in ons plan": Fatima several times, Ruud of MEE at
    the scores Anouk shares with MEE."""
    de_vries = households["De Vries"]
    fatima = actor_for(world.people["Fatima"])
    ruud = actor_for(world.people["Ruud"])
    looks = [
        access_log.Look.of(fatima, Relation.REGISSEUR, de_vries.id, resource)
        for resource in ("household", "plan", "plan", "ratings.read", "network")
    ] + [access_log.Look.of(ruud, Relation.PARTNER_WITH_RATINGS_SHARE, de_vries.id, "ratings.read")] * 2
    await access_log.record_looks(db, looks)


DEMO_STEPS: list[DemoStep] = [
    _build_plans,
    _build_networks,
    _build_workspace,
    _build_teamwork,
    _build_notifications,
    _build_looks,
]


async def load_demo(settings: Settings, *, only_if_empty: bool = False) -> DemoResult:
    async def work(db: AsyncSession) -> DemoResult:
        exists = await db.scalar(select(func.count()).select_from(Municipality).where(Municipality.slug == DEMO_SLUG))
        anything = await db.scalar(select(func.count()).select_from(Municipality))
        created = False
        if not exists and not (only_if_empty and anything):
            world = await _build_world(db)
            households = await _build_households(db, world)
            for step in DEMO_STEPS:
                await step(db, world, households)
            created = True
        result = DemoResult(created=created)
        for role, person in await demo_people(db):
            link = await enrolment.issue(db, person=person, created_by=None, origin=settings.origin)
            result.links.append((person.display_name, demo_label(role, person), link.url))
        return result

    outcome = await _with_session(settings, work)
    assert isinstance(outcome, DemoResult)
    return outcome


async def create_admin(settings: Settings, *, municipality_name: str, name: str) -> str:
    """Create (or find) the gemeente and its first functional admin; return a one-time enrolment link."""
    municipality_name = " ".join(municipality_name.split())
    name = " ".join(name.split())
    if not municipality_name or not name:
        raise ValueError("Vul de naam van de gemeente en van de beheerder in.")

    async def work(db: AsyncSession) -> str:
        slug = slugify(municipality_name)
        municipality = await db.scalar(select(Municipality).where(Municipality.slug == slug))
        if municipality is None:
            municipality = Municipality(name=municipality_name, slug=slug)
            db.add(municipality)
            await db.flush()
        admin = await create_person(db, municipality_id=municipality.id, display_name=name, role=Role.ADMIN)
        link = await enrolment.issue(db, person=admin, created_by=None, origin=settings.origin)
        return link.url

    outcome = await _with_session(settings, work)
    assert isinstance(outcome, str)
    return outcome


async def load_instrument(settings: Settings, *, gemeente: str, data: dict[str, object], use: bool) -> str:
    """Store a gemeente's own instrument (``onsplan instrument``); return its name."""

    instruments.parse_definition(data)  # refuse an incomplete file before touching the database

    async def work(db: AsyncSession) -> str:
        municipality_id = await db.scalar(select(Municipality.id).where(Municipality.slug == gemeente))
        if municipality_id is None:
            raise ValueError(f"gemeente '{gemeente}' bestaat niet")
        definition = await instruments.save_custom(db, municipality_id, data, use=use)
        return definition.name

    outcome = await _with_session(settings, work)
    assert isinstance(outcome, str)
    return outcome
