"""Hostile values in every form a person can reach: the app never answers 5xx, and a refusal stores nothing.

The forms are read from the real pages with the standard library's HTML parser: their action, the hidden
fields (the CSRF token, a version) and the names, types and options of the visible fields. Nothing here
names a field, so a renamed or added field is covered as it is. Hypothesis fills the visible fields with
values a careless or hostile client could send (random unicode, NUL and other control characters, zero-width
characters and byte-order marks, only whitespace, thousands of characters, numbers out of range, malformed
dates, unknown options, a field left out or sent twice) and the form is posted as a browser would post it.

What must hold for every answer:
- never a 5xx, neither for the post nor for the page a success redirects to;
- a refusal (4xx) leaves the database as it was: the row count of every table and the versions of goals,
  actions and trajectories (only the access log may grow: a refused form shown again is a look);
- a field the page marks ``required`` is not accepted when it is missing or holds only invisible characters.

The world is arranged through the domain's own functions (as the factories do); only the forms under test
go through HTTP. Successful posts change the world between examples (a goal more, a card taken), which is
why each example opens its page afresh and why shrinking is off: a replay on a changed world proves little,
and the failure message names the form, the values and the server's traceback instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import re
import traceback
import unicodedata
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.models import Municipality, Person, Role
from server.domain.network import service as network
from server.domain.network.service import NetworkPersonInput
from server.domain.people import create_person
from server.domain.plan import service as plan
from server.domain.plan.model import Horizon, WhoType
from server.domain.plan.service import ActionInput, GoalInput
from server.domain.policy import Relation, actor_for
from server.domain.ratings import instruments
from server.domain.ratings import service as ratings
from server.domain.volunteering import service as volunteering
from server.domain.volunteering.model import HelpOffer, HelpRequest, HelpRequestStatus
from server.domain.volunteering.service import HelpRequestInput
from tests.factories import TEST_ORIGIN, World, make_household, make_world, signed_in_as

# Examples per form; a deeper run sets HOSTILE_FORM_EXAMPLES (read at import, before the test's env is cleared).
EXAMPLES = int(os.environ.get("HOSTILE_FORM_EXAMPLES", "20"))
FORM_CONTENT = {"content-type": "application/x-www-form-urlencoded"}
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
VERSIONED = ("goal", "plan_action", "trajectory")
ACCESS_LOG = "access_log"


# --------------------------------------------------------------------------------------------------------
# Reading the forms from a page
# --------------------------------------------------------------------------------------------------------


@dataclass
class Field:
    """A visible field as a browser knows it; radio buttons and named submit buttons of one name are one field."""

    name: str
    kind: str
    options: list[str] = field(default_factory=list)
    value: str = ""
    required: bool = False
    maxlength: int | None = None


@dataclass
class Form:
    action: str
    method: str
    hidden: list[tuple[str, str]] = field(default_factory=list)
    fields: dict[str, Field] = field(default_factory=dict)

    def add(self, name: str, kind: str, attrs: dict[str, str], value: str = "") -> Field:
        known = self.fields.get(name)
        if known is None:
            maxlength = attrs.get("maxlength", "")
            known = Field(
                name,
                kind,
                required="required" in attrs,
                maxlength=int(maxlength) if maxlength.isdigit() else None,
            )
            self.fields[name] = known
        known.value = known.value or value
        return known


class FormReader(HTMLParser):
    """Every <form> of a page with its hidden and visible fields, as the HTML says them."""

    CHOICES = frozenset({"radio", "checkbox", "submit", "image"})

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.option: dict[str, str] | None = None
        self.textarea: Field | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attrs_list}
        if tag == "form":
            action = urlsplit(urljoin(self.page_url, attrs.get("action") or self.page_url))
            target = action.path + (f"?{action.query}" if action.query else "")
            self.form = Form(action=target, method=(attrs.get("method") or "get").lower())
            self.forms.append(self.form)
            return
        name = attrs.get("name", "")
        if self.form is None or (not name and tag != "option") or "disabled" in attrs:
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            value = attrs.get("value", "")
            if kind == "hidden":
                self.form.hidden.append((name, value))
            elif kind in self.CHOICES:
                choice = self.form.add(name, "button" if kind in ("submit", "image") else kind, attrs)
                choice.options.append(value or "on")
                if kind in ("radio", "checkbox") and "checked" in attrs:
                    choice.value = value or "on"
            elif kind not in ("reset", "button", "file"):
                self.form.add(name, kind, attrs, value)
        elif tag == "button" and (attrs.get("type") or "submit").lower() == "submit":
            self.form.add(name, "button", attrs).options.append(attrs.get("value", ""))
        elif tag == "select":
            self.select = self.form.add(name, "select", attrs)
        elif tag == "option" and self.select is not None:
            self.option = attrs
            self.text = []
            if "selected" in attrs:
                self.select.value = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = self.form.add(name, "textarea", attrs)
            self.text = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "option" and self.select is not None and self.option is not None:
            # An option without a value attribute sends its text.
            self.select.options.append(self.option.get("value", "".join(self.text).strip()))
            self.option = None
        elif tag == "textarea" and self.textarea is not None:
            self.textarea.value = "".join(self.text).removeprefix("\n")
            self.textarea = None


def forms_on(page_url: str, html: str) -> list[Form]:
    reader = FormReader(page_url)
    reader.feed(html)
    reader.close()
    return reader.forms


# --------------------------------------------------------------------------------------------------------
# Values: what a person would type, and what a hostile client sends
# --------------------------------------------------------------------------------------------------------


PLAIN_TEXT = ["Boodschappen doen", "Oma Ineke", "Zoë Özdemir-d'Ancona", "Op woensdag om 8.15 uur", "Samen koken 🍲"]
CONTROL = st.characters(categories=["Cc"])  # NUL, escape, DEL, C1 controls
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u061c\u180e\u200e\u200f\u202a\u202e\u2066\u2069"
WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2000\u2003\u2009\u2028\u2029\u202f\u205f\u3000"
TRICKY = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7 * 7 }}{% raw %}",
    "%(name)s %s %d %%",
    "' OR '1'='1'; --",
    "\\x00\\u0000",
    "../../../etc/passwd",
    "\r\nSet-Cookie: onsplan_session=x",
    "\u202egnp.exe",
    "Z\u0338\u0322\u0327a\u0335l\u0337g\u0336o\u0334",
    "🏳️\u200d🌈👨\u200d👩\u200d👧",
    "\ufffd\uffff\U0010ffff",
    "e\u0301" * 40,
]
NUMBERS = [
    "0",
    "-1",
    "6",
    "99",
    "2147483648",
    "-9223372036854775809",
    "9" * 5000,
    "1e3",
    "NaN",
    "inf",
    "-0",
    "3.5",
    " 4 ",
    "٣",
    "４",
    "²",
    "0x10",
    "1_0",
    "+5",
    "4\x00",
]
BAD_DATES = [
    "2024-02-30",
    "2023-02-29",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2024-13-01",
    "2024-00-10",
    "2024-1-1",
    "31-12-2024",
    "2024/01/01",
    "2024-01-01T25:00",
    "20240101",
    "-2024-01-01",
    "٢٠٢٤-٠١-٠١",
    " 2030-01-01 ",
    "2030-01-01\x00",
]
CHOICES = ("select", "radio", "button", "checkbox")
FREE_TEXT = ("text", "textarea", "search", "tel", "email", "url", "password")


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


# What is drawn does not depend on the page: Hypothesis insists that the same draws lead to the same
# next draw, and the pages change as examples succeed. A drawn attack is resolved against a field afterwards.


@dataclass(frozen=True)
class Long:
    """Thousands of one unit, or just around the length the page allows (``max+1`` is one too many)."""

    unit: str
    count: int | str

    def text(self, maxlength: int | None) -> str:
        limit = maxlength or 500
        relative = {"max-1": limit - 1, "max": limit, "max+1": limit + 1, "2max": 2 * limit}
        return self.unit * (self.count if isinstance(self.count, int) else relative[self.count])


@dataclass(frozen=True)
class Altered:
    """One of the field's own options (or its plain text) altered, or its id replaced by one nobody gave out."""

    index: int
    change: str
    other: uuid.UUID

    def text(self, field_: Field) -> str:
        own = choices(field_)
        value = own[self.index % len(own)]
        if self.change == "other id":
            return UUID_RE.sub(str(self.other), value) if UUID_RE.search(value) else str(self.other)
        return {
            "upper": value.upper(),
            "padded": f" {value} ",
            "nul": value + "\x00",
            "zero-width": "\u200b" + value,
            "reversed": value[::-1],
        }[self.change]


@dataclass(frozen=True)
class Missing:
    """The field is left out of the post."""


@dataclass(frozen=True)
class Plain:
    """A value a person could choose or type."""


@dataclass(frozen=True)
class Twice:
    """The field sent more than once."""

    values: tuple[str | Long | Altered | Plain, ...]


Attack = str | Long | Altered | Missing | Twice


@dataclass(frozen=True)
class Attempt:
    form: int  # which of the page's forms, counted round (forms of one shape count as one, then by number)
    seed: int  # for the plain values of the fields not attacked
    attacks: tuple[tuple[int, Attack], ...]  # (which field, counted round; what it gets)
    # One value in every free-text field at once, the choices left plain: a value that every text check lets
    # through then reaches the database.
    everywhere: str | Long | None = None


def inserted(word: str, extra: str, at: int) -> str:
    at = min(at, len(word))
    return word[:at] + extra + word[at:]


# One branch per kind of trouble, so that each kind turns up about as often as the others.
HOSTILE: st.SearchStrategy[str | Long | Altered] = st.one_of(
    st.text(max_size=40),
    st.one_of(
        st.text(alphabet=CONTROL, min_size=1, max_size=8),
        st.builds(
            inserted,
            st.sampled_from(PLAIN_TEXT),
            st.text(alphabet=st.one_of(CONTROL, st.sampled_from(INVISIBLE)), min_size=1, max_size=3),
            st.integers(0, 20),
        ),
    ),
    st.text(alphabet=st.sampled_from(INVISIBLE), min_size=1, max_size=12),
    st.text(alphabet=st.sampled_from(INVISIBLE + WHITESPACE), min_size=1, max_size=12),
    st.builds(
        Long,
        st.sampled_from(["x", "é", "e\u0301", "😀", "\u200b", "\x00", " ", "ab "]),
        st.sampled_from(["max-1", "max", "max+1", "2max", 2000, 5000, 20000]),
    ),
    st.sampled_from(TRICKY),
    st.one_of(st.integers(-(10**30), 10**30).map(str), st.sampled_from(NUMBERS)),
    st.one_of(
        st.sampled_from(BAD_DATES),
        st.dates().map(dt.date.isoformat),
        st.integers(-400, 400).map(lambda days: (today() + dt.timedelta(days=days)).isoformat()),
    ),
    st.builds(
        Altered,
        st.integers(0, 63),
        st.sampled_from(["upper", "padded", "nul", "zero-width", "reversed", "other id"]),
        st.uuids(),
    ),
)
ATTACK: st.SearchStrategy[Attack] = st.one_of(
    HOSTILE,
    HOSTILE,
    HOSTILE,
    st.just(Missing()),
    st.lists(st.one_of(st.just(Plain()), HOSTILE), min_size=2, max_size=3).map(lambda values: Twice(tuple(values))),
)
ATTEMPTS = st.builds(
    Attempt,
    form=st.integers(0, 255),
    seed=st.integers(0, 2**32 - 1),
    attacks=st.lists(st.tuples(st.integers(0, 63), ATTACK), min_size=1, max_size=3).map(tuple),
    everywhere=st.one_of(st.none(), st.none(), st.none(), HOSTILE.filter(lambda v: not isinstance(v, Altered))),
)
# Tried on every form before the generated examples: each in all free-text fields, the choices plain.
EVERYWHERE: list[str | Long] = [
    "Oma\x00Ineke",
    "Milan\x1b[31m ophalen\x7f",
    "\u200b\u200b",
    "\ufeff \u200b\u2060",
    "\u200e\u00ad\u2066\u2069",
    " \t\r\n\xa0\u3000",
    "\u202eOma Ineke",
    "Zoe\u0308 e\u0301 \ufb01 \u212b",
    Long("x", "max+1"),
    Long("😀", "max"),
    Long("e\u0301", "max"),
    Long("x", 20000),
    "%(name)s {{ 7 * 7 }} <script>alert(1)</script>",
]


def choices(field_: Field) -> list[str]:
    """What a person could pick or type in this field."""
    if field_.kind in CHOICES:
        return [o for o in field_.options if o] or field_.options or [""]
    if field_.kind == "date":
        return ["", today().isoformat()]
    texts = ([field_.value] if field_.value.strip() else []) + PLAIN_TEXT
    return [t[: field_.maxlength] if field_.maxlength else t for t in texts]


def resolve(value: str | Long | Altered | Plain, field_: Field, rng: random.Random) -> str:
    if isinstance(value, Long):
        return value.text(field_.maxlength)
    if isinstance(value, Altered):
        return value.text(field_)
    if isinstance(value, Plain):
        return rng.choice(choices(field_))
    return value


def values_for(form: Form, attempt: Attempt) -> list[tuple[str, str]]:
    """The visible part of the post: plain values, and the attacks on the fields they landed on."""
    rng = random.Random(attempt.seed)
    fields = list(form.fields.values())
    attacks: dict[str, Attack] = {}
    if attempt.everywhere is not None:
        attacks = {f.name: attempt.everywhere for f in fields if f.kind in FREE_TEXT}
    attacks.update((fields[slot % len(fields)].name, attack) for slot, attack in attempt.attacks)
    sent: list[tuple[str, str]] = []
    for field_ in fields:
        attack = attacks.get(field_.name)
        if attack is None:
            # Unticked is as plain as ticked.
            ticked = [[], *([o] for o in field_.options)]
            values = rng.choice(ticked if field_.kind == "checkbox" else [[c] for c in choices(field_)])
        elif isinstance(attack, Missing):
            values = []
        elif isinstance(attack, Twice):
            values = [resolve(value, field_, rng) for value in attack.values]
        else:
            values = [resolve(attack, field_, rng)]
        sent.extend((field_.name, value) for value in values)
    return sent


def pick(forms: list[Form], number: int) -> Form:
    """The forms of one shape (the twelve rating forms, the cards on the board) count as one, so that the
    odd one out (a new assessment) is picked as often."""
    shapes: dict[tuple[str, ...], list[Form]] = {}
    for form in forms:
        shapes.setdefault(tuple(form.fields), []).append(form)
    alike = list(shapes.values())[number % len(shapes)]
    return alike[number // len(shapes) % len(alike)]


def invisible(value: str) -> bool:
    """Nothing a reader would see: whitespace, control and format characters (zero-width, BOM, bidi)."""
    return all(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp") for ch in value)


def shown(value: str) -> str:
    if len(value) <= 60:
        return repr(value)
    return f"{value[:40]!r}… ({len(value)} characters)"


# --------------------------------------------------------------------------------------------------------
# The world, the people, and what the database holds
# --------------------------------------------------------------------------------------------------------


@dataclass
class Cast:
    world: World
    household_id: uuid.UUID
    goal_id: uuid.UUID
    action_id: uuid.UUID
    network_person_id: uuid.UUID
    people: dict[str, Person]


async def arrange(db: AsyncSession, *, volunteer_actions: int = 0, open_cards: int = 0) -> Cast:
    """A gemeente with a household that has a goal, an action for its network, Oma on the map and invited
    for that action, a first rating, and a volunteer; optionally actions a volunteer could do and open cards."""
    world = await make_world(db)
    household, (anouk,) = await make_household(db, world.regisseur, "De Vries", ("Anouk",))
    await db.refresh(anouk, ["roles"])
    member = actor_for(anouk)
    instrument = await instruments.for_municipality(db, household.municipality_id)
    domain_key = instrument.domains[0].key
    goal = await plan.create_goal(
        db,
        member,
        Relation.MEMBER,
        household.id,
        instrument,
        GoalInput(domain_key=domain_key, text="Mensen om me heen die ik kan bellen.", horizon=Horizon.DRIE_MAANDEN),
    )
    action = await plan.create_action(
        db, member, household.id, goal.id, ActionInput(what="Oma vragen Milan op te halen", who_type=WhoType.NETWERK)
    )
    row = await network.add_person(
        db, member, household.id, NetworkPersonInput(name="Oma Ineke", relation="familie", ring="1")
    )
    invitation = await network.invite(
        db, member, household.id, household.municipality_id, row.id, message="", action_id=action.id
    )
    await ratings.rate(db, member, Relation.MEMBER, household.id, instrument, domain_key, "3", "")
    volunteer = await create_person(
        db,
        municipality_id=world.municipality.id,
        display_name="Sem",
        role=Role.VOLUNTEER,
        organisation_id=world.volunteer_org.id,
    )
    for number in range(volunteer_actions + open_cards):
        help_action = await plan.create_action(
            db, member, household.id, goal.id, ActionInput(what=f"Klus {number}", who_type=WhoType.VRIJWILLIGER)
        )
        if number >= volunteer_actions:
            await volunteering.publish(
                db, member, household.id, help_action.id, HelpRequestInput(what=f"Klus {number}")
            )
    await db.commit()
    return Cast(
        world=world,
        household_id=household.id,
        goal_id=goal.id,
        action_id=action.id,
        network_person_id=row.id,
        people={
            "member": anouk,
            "regisseur": world.regisseur,
            "network member": invitation.person,
            "volunteer": volunteer,
            "coordinator": world.coordinator,
            "admin": world.admin,
        },
    )


async def database_state(db: AsyncSession) -> dict[str, Any]:
    """The row count of every table and the version of every goal, action and trajectory."""
    tables = Municipality.metadata.sorted_tables
    counts = select(*(select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables))
    state: dict[str, Any] = dict((await db.execute(counts)).one()._mapping)
    for name in VERSIONED:
        table = Municipality.metadata.tables[name]
        rows = await db.execute(select(table.c.id, table.c.version))
        state[f"{name}.version"] = sorted((str(row_id), version) for row_id, version in rows.tuples())
    # End the read transaction, so that the app's writes do not wait for this session. (A commit, as nothing
    # was written: unlike a rollback it leaves the arranged objects loaded.)
    await db.commit()
    return state


class ErrorLog(logging.Handler):
    """The app logs every 5xx with its exception; a failure quotes where in our code it was raised, and what."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        if error is None:
            self.lines.append(record.getMessage())
            return
        ours = [
            frame
            for frame in traceback.extract_tb(error.__traceback__)
            if f"{os.sep}server{os.sep}" in frame.filename and "site-packages" not in frame.filename
        ]
        for frame in ours[-3:]:
            where = frame.filename[frame.filename.rindex(f"{os.sep}server{os.sep}") + 1 :]
            self.lines.append(f"  {where}:{frame.lineno} in {frame.name}: {frame.line}")
        message = str(error).splitlines()[0] if str(error) else ""
        self.lines.append(f"  {type(error).__name__}: {message[:300]}")


@contextmanager
def server_errors() -> Iterator[ErrorLog]:
    logger = logging.getLogger("onsplan")
    handler = ErrorLog()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


# --------------------------------------------------------------------------------------------------------
# The forms under test
# --------------------------------------------------------------------------------------------------------


async def withdraw_help_requests(db: AsyncSession, cast: Cast) -> None:
    """The household takes its help requests back, so that their actions can be asked for again."""
    member = actor_for(cast.people["member"])
    for request_id in list(
        await db.scalars(select(HelpRequest.id).where(HelpRequest.status == HelpRequestStatus.OPEN))
    ):
        await volunteering.withdraw(db, member, cast.household_id, request_id)
    await db.commit()


async def forget_offers(db: AsyncSession, cast: Cast) -> None:
    """Offers made are forgotten, so that the cards are open to the volunteer again."""
    await db.execute(delete(HelpOffer))
    await db.commit()


@dataclass(frozen=True)
class Reach:
    """Who opens which page; every post form on it with a visible field is attacked (or those ``only`` names).
    ``follow`` is a link on the page to open first, for forms that are reached through the plan. A success
    can take the last form off the page (a card offered on, every action asked for); ``refill`` puts it back."""

    name: str
    who: str
    page: str
    only: str = ""
    follow: str = ""
    volunteer_actions: int = 0
    open_cards: int = 0
    refill: Callable[[AsyncSession, Cast], Awaitable[None]] | None = None

    def url(self, cast: Cast) -> str:
        return self.page.format(
            household=f"/huishoudens/{cast.household_id}",
            goal=cast.goal_id,
            action=cast.action_id,
            person=cast.network_person_id,
        )


REACHES = [
    Reach("goal form, new", "member", "{household}/plan/doelen/nieuw"),
    Reach("goal form, edit", "regisseur", "{household}/plan/doelen/{goal}/bewerken"),
    Reach("action form, new", "member", "{household}/plan/doelen/{goal}/acties/nieuw"),
    Reach("action form, edit", "regisseur", "{household}/plan/acties/{action}/bewerken"),
    Reach("share form", "member", "{household}/plan/doelen/{goal}/delen"),
    Reach("ratings page, household", "member", "{household}/scores"),
    Reach("ratings page, regisseur", "regisseur", "{household}/scores"),
    Reach("network person form, new", "member", "{household}/netwerk/nieuw"),
    Reach("network person form, edit", "regisseur", "{household}/netwerk/{person}/bewerken"),
    Reach("invite form", "member", "{household}/netwerk/uitnodigen"),
    Reach(
        "publish help request form",
        "member",
        "{household}/plan",
        follow=r"/plan/acties/[0-9a-f-]{36}/hulpvraag$",
        volunteer_actions=3,
        refill=withdraw_help_requests,
    ),
    Reach("plan page, note on an action", "network member", "{household}/plan"),
    Reach("task board offer form", "volunteer", "/taken", open_cards=3, refill=forget_offers),
    Reach("admin people form", "admin", "/beheer/mensen"),
    Reach("coordinator form", "coordinator", "/vrijwilligers"),
    Reach("new household form", "regisseur", "/huishoudens/nieuw"),
    # Only the language: the other form on this page removes the passkey the test is signed in with.
    Reach("language choice", "member", "/mijn/passkeys", only=r"^/mijn/taal$"),
]


@dataclass(repr=False)
class Stage:
    reach: Reach
    cast: Cast
    client: AsyncTestClient[Litestar]
    db: AsyncSession
    page: str

    def __repr__(self) -> str:
        return f"<{self.reach.name} as {self.reach.who}: {self.page}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def tried_first(attempts: Iterable[Attempt]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Hypothesis's ``@example`` for each attempt, in this order, before the generated ones."""

    def decorate(test: Callable[..., Any]) -> Callable[..., Any]:
        for attempt in reversed(list(attempts)):
            test = example(attempt=attempt)(test)
        return test

    return decorate


@pytest.fixture
async def stage(request: pytest.FixtureRequest, client: AsyncTestClient[Litestar], db: AsyncSession) -> Stage:
    reach: Reach = request.param
    cast = await arrange(db, volunteer_actions=reach.volunteer_actions, open_cards=reach.open_cards)
    await signed_in_as(client, db, cast.people[reach.who])
    return Stage(reach=reach, cast=cast, client=client, db=db, page=reach.url(cast))


async def open_form_page(stage: Stage) -> tuple[str, str]:
    response = await stage.client.get(stage.page)
    assert response.status_code == 200, f"{stage.page} answered {response.status_code}"
    if not stage.reach.follow:
        return stage.page, response.text
    links = re.findall(r'href="([^"]+)"', response.text)
    target = next((link for link in links if re.search(stage.reach.follow, link)), None)
    if target is None:
        return stage.page, ""
    response = await stage.client.get(target)
    assert response.status_code == 200, f"{target} answered {response.status_code}"
    return target, response.text


async def forms_to_attack(stage: Stage) -> list[Form]:
    page, html = await open_form_page(stage)
    forms = [f for f in forms_on(TEST_ORIGIN + page, html) if attackable(stage, f)]
    if not forms and stage.reach.refill is not None:
        await stage.reach.refill(stage.db, stage.cast)
        page, html = await open_form_page(stage)
        forms = [f for f in forms_on(TEST_ORIGIN + page, html) if attackable(stage, f)]
    assert forms, f"{page} has no form to attack" + (f" (no link matches {stage.reach.follow})" if not html else "")
    return forms


def attackable(stage: Stage, form: Form) -> bool:
    if form.method != "post" or not form.fields:
        return False
    return not stage.reach.only or re.search(stage.reach.only, form.action) is not None


@pytest.mark.parametrize("stage", REACHES, ids=[r.name for r in REACHES], indirect=True)
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    # The fixtures build one world per form, shared by its examples on purpose; a slow machine is no error.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(attempt=ATTEMPTS)
@tried_first(Attempt(form=0, seed=0, attacks=(), everywhere=value) for value in EVERYWHERE)
async def test_hostile_values_never_break_a_form_and_a_refusal_stores_nothing(stage: Stage, attempt: Attempt) -> None:
    forms = await forms_to_attack(stage)
    form = pick(forms, attempt.form)
    sent = values_for(form, attempt)
    before = await database_state(stage.db)

    with server_errors() as errors:
        response = await stage.client.post(
            form.action, content=urlencode(form.hidden + sent), headers=FORM_CONTENT, follow_redirects=False
        )
        followed = None
        if response.status_code in (301, 302, 303):
            followed = await stage.client.get(response.headers["location"])
    status = response.status_code

    what = "\n".join(f"  {name} = {shown(value)}" for name, value in sent) or "  (no visible field)"
    report = f"{stage.reach.name}: POST {form.action} with\n{what}\nanswered {status}"
    trace = "\n".join(errors.lines)
    assert status < 500, f"{report}\n{trace}"
    if followed is not None:
        assert "/inloggen" not in response.headers["location"], f"{report}: signed out"
        assert followed.status_code < 500, f"{report}, then GET {response.headers['location']} answered 5xx\n{trace}"
    if status >= 400:
        after = await database_state(stage.db)
        changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
        # A refused form shown again with household data on it is a look, and looks are logged whatever the
        # answer (server/transactions.py); the log only grows.
        looks = changed.pop(ACCESS_LOG, None)
        assert not changed, f"{report}, a refusal, but the database changed: {changed}"
        assert looks is None or looks[1] > looks[0], f"{report}, a refusal, but the access log shrank: {looks}"
    else:
        for name, field_ in form.fields.items():
            values = [value for sent_name, value in sent if sent_name == name]
            if field_.required and all(invisible(value) for value in values):
                raise AssertionError(f"{report}: accepted, though the required field {name} is missing or blank")
