"""Plain-Dutch words for what the domain stores: role names, phases, moments, log lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from functools import lru_cache, wraps
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime

from server.domain.access_log import COVERING_ROLE
from server.domain.budget.model import EntryKind, EntryStatus
from server.domain.budget.money import format_euro
from server.domain.events import EventKind
from server.domain.models import AccessLogEntry, Person, Phase, ReferralSource, Role, TimelineEvent, TriageOutcome
from server.domain.network.model import NetworkRelation
from server.domain.plan.model import ActionStatus, Horizon, WhoType
from server.domain.ratings.instruments import built_in as built_in_instruments
from server.domain.ratings.model import AssessmentKind, Perspective
from server.domain.volunteering.model import HelpRequestStatus
from server.domain.workspace import evaluation as evaluations
from server.domain.workspace.handover import PendingHandover
from server.domain.workspace.model import EvaluationDecision, EvaluationStatus, GoalOutcome
from server.i18n import LANGUAGE_NAMES, current_locale
from server.i18n import gettext as _

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")

Value = TypeVar("Value", bound=Hashable)


def per_language(words: Callable[[Value], str]) -> Callable[[Value], str]:
    """A label is the same for a value in one language: made once per language and value, and kept. A plan
    page asks the same few labels and dates for every action on it."""

    @lru_cache(maxsize=4096)
    def kept(_locale: str, value: Value) -> str:
        return words(value)

    @wraps(words)
    def label(value: Value) -> str:
        return kept(current_locale.get(), value)

    return label


# The label tables below are keyed by StrEnum members, which equal (and hash as) their string values, so a
# stored string finds its label directly; an unknown value is shown as it is.


@per_language
def role_label(role: str) -> str:
    labels: dict[str, str] = {
        Role.HOUSEHOLD_MEMBER: _("huishouden"),
        Role.NETWORK_MEMBER: _("netwerk"),
        Role.VOLUNTEER: _("vrijwilliger"),
        Role.VOLUNTEER_COORDINATOR: _("coördinator vrijwilligers"),
        Role.REGISSEUR: _("regisseur"),
        Role.PARTNER_PROFESSIONAL: _("professional"),
        Role.TEAM_LEAD: _("teamleider"),
        Role.ADMIN: _("beheerder"),
        COVERING_ROLE: _("regisseur (waarneming)"),
    }
    return labels.get(role, role)


@per_language
def phase_label(phase: str) -> str:
    labels: dict[str, str] = {
        Phase.AANMELDING: _("aanmelding"),
        Phase.TRIAGE: _("triage"),
        Phase.INTAKE: _("intake"),
        Phase.PLAN_VASTGESTELD: _("plan vastgesteld"),
        Phase.UITVOERING: _("uitvoering"),
        Phase.EVALUATIE: _("evaluatie"),
        Phase.WAAKVLAM: _("waakvlam"),
        Phase.AFGESLOTEN: _("afgesloten"),
    }
    return labels.get(phase, phase)


@per_language
def household_phase_label(phase: str) -> str:
    """Where the trajectory stands, in the household's words (the professional word is ``phase_label``)."""
    labels: dict[str, str] = {
        Phase.AANMELDING: _("jullie zijn aangemeld"),
        Phase.TRIAGE: _("we kijken wie jullie het best kan helpen"),
        Phase.INTAKE: _("we maken kennis"),
        Phase.PLAN_VASTGESTELD: _("het plan is klaar"),
        Phase.UITVOERING: _("jullie werken aan het plan"),
        Phase.EVALUATIE: _("we kijken terug hoe het ging"),
        Phase.WAAKVLAM: _("het gaat goed, we houden contact"),
        Phase.AFGESLOTEN: _("de hulp is klaar"),
    }
    return labels.get(phase, phase)


@per_language
def referral_label(source: str) -> str:
    labels: dict[str, str] = {
        ReferralSource.ZELF: _("zelf"),
        ReferralSource.NETWERK: _("via het netwerk"),
        ReferralSource.KETENPARTNER: _("via een ketenpartner"),
        ReferralSource.INTERN_GEMEENTE: _("via de gemeente"),
        ReferralSource.PARTICULIER: _("via een particulier"),
    }
    return labels.get(source, source)


@per_language
def triage_outcome_label(outcome: str) -> str:
    """The four outcomes of the triage, as the regisseur chooses them."""
    labels: dict[str, str] = {
        TriageOutcome.REGISSEUR: _("Regisseur coördineert: de regisseur houdt het overzicht en maakt samen een plan"),
        TriageOutcome.KORTSTONDIG: _("Kortstondige inzet: zaken vlot trekken, daarna warm overdragen"),
        TriageOutcome.VRIJWILLIGERS: _("Vrijwilligerskring opbouwen: vrijwilligers zoeken die kunnen helpen"),
        TriageOutcome.GEEN_REGIE: _("Geen regie nodig: overdragen aan een organisatie"),
    }
    return labels.get(outcome, outcome)


@per_language
def exit_reason_label(reason: str) -> str:
    """The reasons to close a trajectory, as the regisseur chooses them."""
    labels: dict[str, str] = {
        "doelen bereikt": _("Doelen bereikt"),
        "overgedragen": _("Overgedragen aan een organisatie"),
        "voortijdig gestopt": _("Voortijdig gestopt (schrijf erbij waarom)"),
        "verhuisd": _("Verhuisd"),
        "hulp geweigerd": _("Het huishouden wil geen hulp meer"),
    }
    return labels.get(reason, reason)


@per_language
def horizon_label(horizon: str) -> str:
    labels: dict[str, str] = {
        Horizon.EERST: _("eerst"),
        Horizon.DRIE_MAANDEN: _("over 3 maanden"),
        Horizon.EEN_JAAR: _("over 1 jaar"),
    }
    return labels.get(horizon, horizon)


def horizon_question(horizon: Horizon) -> str:
    """The three questions a plan answers (Woerden, seed 001)."""
    questions = {
        Horizon.EERST: _("Wat doen we eerst?"),
        Horizon.DRIE_MAANDEN: _("Waar willen we over 3 maanden zijn?"),
        Horizon.EEN_JAAR: _("Waar willen we over een jaar zijn?"),
    }
    return questions[horizon]


@per_language
def who_type_label(who_type: str) -> str:
    labels: dict[str, str] = {
        WhoType.ZELF: _("zelf"),
        WhoType.NETWERK: _("iemand uit ons netwerk"),
        WhoType.VRIJWILLIGER: _("vrijwilliger"),
        WhoType.PROFESSIONAL: _("professional"),
    }
    return labels.get(who_type, who_type)


@per_language
def status_label(status: str) -> str:
    labels: dict[str, str] = {
        ActionStatus.OPEN: _("open"),
        ActionStatus.BEZIG: _("bezig"),
        ActionStatus.GEDAAN: _("gedaan"),
        ActionStatus.GESTOPT: _("gestopt"),
    }
    return labels.get(status, status)


@per_language
def assessment_kind_label(kind: str) -> str:
    labels: dict[str, str] = {
        AssessmentKind.NULMETING: _("nulmeting"),
        AssessmentKind.TUSSENEVALUATIE: _("tussenevaluatie"),
        AssessmentKind.EINDMETING: _("eindmeting"),
        AssessmentKind.TUSSENDOOR: _("tussendoor"),
    }
    return labels.get(kind, kind)


@per_language
def household_assessment_kind_label(kind: str) -> str:
    """A kind of meting in the household's words (the professional word is ``assessment_kind_label``)."""
    labels: dict[str, str] = {
        AssessmentKind.NULMETING: _("eerste keer scores"),
        AssessmentKind.TUSSENEVALUATIE: _("scores halverwege"),
        AssessmentKind.EINDMETING: _("scores aan het eind"),
        AssessmentKind.TUSSENDOOR: _("scores tussendoor"),
    }
    return labels.get(kind, kind)


def plain_domain_name(name: str) -> str:
    """A leefgebied's name as stored in the timeline (the professional name of a built-in set), in the
    household's words; a name of a gemeente's own set stays as it is."""
    plain = {d.name: d.plain_name for i in built_in_instruments().values() for d in i.domains}.get(name)
    return _(plain) if plain else name


@per_language
def perspective_label(perspective: str) -> str:
    return _("huishouden") if perspective == Perspective.HOUSEHOLD else _("regisseur")


@per_language
def writer_label(role: str) -> str:
    """Who wrote a goal, as the plan shows it."""
    return _("huishouden") if role == "household" else role_label(role)


@per_language
def help_status_label(status: str) -> str:
    labels: dict[str, str] = {
        HelpRequestStatus.OPEN: _("staat open voor vrijwilligers"),
        HelpRequestStatus.ACCEPTED: _("een vrijwilliger helpt"),
        HelpRequestStatus.DONE: _("de vrijwilliger meldt: gedaan"),
        HelpRequestStatus.CONFIRMED: _("klaar"),
        HelpRequestStatus.WITHDRAWN: _("ingetrokken"),
    }
    return labels.get(status, status)


@per_language
def relation_label(relation: str) -> str:
    labels: dict[str, str] = {
        NetworkRelation.FAMILIE: _("familie"),
        NetworkRelation.VRIEND: _("vriend of vriendin"),
        NetworkRelation.BUUR: _("buren"),
        NetworkRelation.COLLEGA: _("collega"),
        NetworkRelation.KERK_OF_MOSKEE: _("kerk of moskee"),
        NetworkRelation.VERENIGING: _("vereniging of club"),
        NetworkRelation.ANDERS: _("anders"),
    }
    return labels.get(relation, relation)


@per_language
def ring_label(ring: int) -> str:
    labels = {1: _("heel dichtbij"), 2: _("dichtbij"), 3: _("verder weg")}
    return labels.get(ring, str(ring))


def moment(value: dt.datetime) -> str:
    """'dinsdag 3 maart om 14:05' in Dutch time."""
    local = value.astimezone(LOCAL_TZ)
    day = format_datetime(local, "EEEE d MMMM", locale=current_locale.get())
    return _("%(day)s om %(time)s") % {"day": day, "time": local.strftime("%H:%M")}


@per_language
def day(value: dt.date) -> str:
    return format_date(value, "d MMMM y", locale=current_locale.get())


def euro(cents: int) -> str:
    """An amount of the gezinsbudget: "€ 1.234,56" (in English "€1,234.56")."""
    return format_euro(cents, current_locale.get())


def contact_href(contact: str) -> str:
    """A link that calls or mails the contact of the involvement register (a tablet or phone opens it), or
    nothing when it is neither."""
    if "@" in contact:
        return f"mailto:{contact}"
    number = "".join(char for char in contact if char.isdigit() or char == "+")
    return f"tel:{number}" if number else ""


def resource_phrase(resource: str) -> str:
    phrases = {
        "household": _("jullie overzicht"),
        "household.view": _("jullie overzicht"),
        "plan": _("jullie plan"),
        "plan.read": _("jullie plan"),
        "ratings.read": _("jullie scores"),
        "ratings.history": _("het verloop van jullie scores"),
        "plan.goal": _("een doel uit jullie plan"),
        "plan.action": _("een actie uit jullie plan"),
        "help_requests": _("jullie hulpvragen"),
        "help_task": _("de gegevens voor een taak"),
        "timeline.read": _("jullie tijdlijn"),
        "access_log.read": _("wie er in jullie plan keek"),
        "enrolment": _("de aanmeldlink van een gezinslid"),
        "network": _("jullie netwerkkaart"),
        "network.write": _("jullie netwerkkaart"),
        "plan.write": _("jullie plan"),
        "ratings.write": _("jullie scores"),
        "action.tick": _("een actie uit jullie plan"),
        "action.note": _("een actie uit jullie plan"),
        "action.take": _("een actie uit jullie plan, om die op te pakken"),
        "partner_start": _("jullie naam en wat jullie met hun organisatie delen, op hun startpagina"),
        "help.publish": _("een actie uit jullie plan"),
        "caseload.team": _("de teamlijst met jullie naam en fase"),
        "team_overview": _("het teamoverzicht met jullie naam, fase en regisseur"),
        "team.escalations": _("de lijst met doorbraken met jullie naam"),
        "cover_start": _("jullie naam en fase, op de startpagina van wie waarneemt voor jullie regisseur"),
        "escalation": _("de vraag om een doorbraak en het deel van jullie plan waar die over gaat"),
        "escalation.raise": _("de vraag om een doorbraak"),
        "regisseur.assign": _("jullie naam, fase en regisseur, om een andere regisseur te kiezen"),
        "trajectory": _("jullie aanmelding en triage"),
        "intake": _("het intakegesprek met jullie"),
        "history": _("jullie eerdere hulp"),
        "report": _("het gespreksverslag"),
        "household.duplicate": _("dat jullie al aangemeld zijn, bij een nieuwe aanmelding"),
        "trajectory.agreement": _("jullie plan, om het akkoord vast te leggen"),
        "trajectory.steps": _("de stappen van jullie traject"),
        "handover": _("de vraag om jullie verder te helpen (een overdracht)"),
        "involvement": _("wie er bij jullie meehelpen"),
        "budget": _("jullie gezinsbudget"),
        "budget_approvals": _("een uitgave of toekenning uit jullie gezinsbudget die wacht op goedkeuring"),
        "evaluations": _("jullie evaluaties"),
        "evaluation": _("een evaluatie van jullie plan"),
        "notifications": _("jullie naam in een melding"),
    }
    return phrases.get(resource, _("jullie gegevens"))


def access_log_sentence(entry: AccessLogEntry) -> str:
    who = entry.actor_name
    role = role_label(entry.actor_role)
    if entry.organisation_name:
        role = f"{role}, {entry.organisation_name}"
    return _("%(who)s (%(role)s) bekeek %(what)s op %(when)s") % {
        "who": who,
        "role": role,
        "what": resource_phrase(entry.resource),
        "when": moment(entry.created_at),
    }


def account_event_sentence(kind: str, by: str, when: dt.datetime) -> str:
    """What happened to the person's own access, for their passkeys page."""
    values = {"who": by or _("Ons Plan"), "when": moment(when)}
    if kind == "recovery.issued":
        return _("%(when)s: %(who)s maakte een herstellink voor je.") % values
    if kind == "recovery.approved":
        return _("%(when)s: %(who)s keurde de herstellink voor je goed.") % values
    if kind == "recovery.used":
        return (
            _(
                "%(when)s: de herstellink van %(who)s is gebruikt. Je oude passkeys werken niet meer en je bent overal "
                "uitgelogd."
            )
            % values
        )
    if kind == "role.added":
        return _("%(when)s: %(who)s gaf je een rol erbij.") % values
    if kind == "role.ended":
        return _("%(when)s: %(who)s beëindigde een rol van je.") % values
    if kind == "person.deactivated":
        return _("%(when)s: %(who)s zette je toegang uit.") % values
    if kind == "person.reactivated":
        return _("%(when)s: %(who)s gaf je weer toegang.") % values
    return _("%(when)s: er veranderde iets aan je toegang.") % values


def timeline_sentence(event: TimelineEvent) -> str:
    detail: dict[str, Any] = event.detail or {}
    who = detail.get("actor_name") or _("Iemand")
    kind = event.kind
    if kind == EventKind.HOUSEHOLD_REGISTERED:
        registered = _("%(who)s heeft jullie huishouden aangemeld.") % {"who": who}
        if detail.get("question"):
            registered += " " + _("Jullie vraag: \u201c%(question)s\u201d") % {"question": detail["question"]}
        return registered
    if kind == EventKind.TRAJECTORY_PHASE:
        return _phase_sentence(who, detail)
    if kind == EventKind.PERSON_LINK_ISSUED:
        return _("%(who)s maakte een nieuwe aanmeldlink voor %(name)s.") % {
            "who": who,
            "name": detail.get("person_name", ""),
        }
    if kind == EventKind.PERSON_RECOVERED:
        return _("%(name)s gebruikte een herstellink van %(who)s. De oude passkeys van %(name)s werken niet meer.") % {
            "who": who,
            "name": detail.get("person_name", ""),
        }
    if kind == EventKind.PERSON_PASSKEYS_REVOKED:
        return _("%(who)s zette de passkeys van %(name)s uit.") % {"who": who, "name": detail.get("person_name", "")}
    if kind in (EventKind.INVOLVEMENT_ADDED, EventKind.INVOLVEMENT_ENDED):
        return _involvement_sentence(kind, who, detail, event.created_at)
    if kind in _HANDOVER_EVENTS:
        return _handover_sentence(kind, who, detail)
    if kind in _TEAMWORK_EVENTS:
        return _teamwork_sentence(kind, who, detail)
    if kind in _BUDGET_EVENTS:
        return _budget_sentence(kind, who, detail)
    if kind in _EVALUATION_EVENTS:
        return _evaluation_sentence(kind, who, detail)
    step_sentence = _step_sentence(kind, who, detail)
    if step_sentence:
        return step_sentence
    plan_sentence = _plan_sentence(kind, who, detail)
    if plan_sentence:
        return plan_sentence
    return _("%(who)s veranderde iets in jullie dossier.") % {"who": who}


_TEAMWORK_EVENTS = frozenset(
    {
        EventKind.ESCALATION_RAISED,
        EventKind.ESCALATION_WITHDRAWN,
        EventKind.ESCALATION_DECIDED,
        EventKind.REGISSEUR_ASSIGNED,
    }
)


def _teamwork_sentence(kind: str, who: str, detail: dict[str, Any]) -> str:
    """A doorbraak and a new regisseur, in the household's words: who asked or decided, and what."""
    values = {
        "who": who,
        "blocked": detail.get("blocked", ""),
        "needed": detail.get("needed", ""),
        "decision": detail.get("decision", ""),
        "to": detail.get("to", ""),
    }
    if kind == EventKind.ESCALATION_RAISED:
        return (
            _(
                "%(who)s heeft de teamleider om een doorbraak gevraagd: \u201c%(blocked)s\u201d. "
                "Nodig is: \u201c%(needed)s\u201d"
            )
            % values
        )
    if kind == EventKind.ESCALATION_WITHDRAWN:
        return _("%(who)s heeft de vraag om een doorbraak ingetrokken: \u201c%(blocked)s\u201d") % values
    if kind == EventKind.ESCALATION_DECIDED:
        if detail.get("outcome") == "toegekend":
            return _("%(who)s (teamleider) heeft de doorbraak toegekend: %(decision)s") % values
        return _("%(who)s (teamleider) heeft de doorbraak afgewezen: %(decision)s") % values
    return _("%(who)s (teamleider) heeft %(to)s jullie nieuwe regisseur gemaakt.") % values


def _involvement_sentence(kind: str, who: str, detail: dict[str, Any], when: dt.datetime) -> str:
    """A row of the involvement register added or ended: "Fatima zette Schuldhulp Woerden (Joris de Wit) bij
    wie er meehelpen, sinds 3 maart." A date in the year of the event is written without its year."""

    def short_day(raw: object) -> str:
        try:
            value = dt.date.fromisoformat(str(raw))
        except ValueError:
            return ""
        pattern = "d MMMM" if value.year == when.astimezone(LOCAL_TZ).year else "d MMMM y"
        return format_date(value, pattern, locale=current_locale.get())

    organisation = str(detail.get("organisation", ""))
    if detail.get("professional"):
        organisation = _("%(organisation)s (%(professional)s)") % {
            "organisation": organisation,
            "professional": detail["professional"],
        }
    values = {
        "who": who,
        "organisation": organisation,
        "from": short_day(detail.get("from_on")),
        "to": short_day(detail.get("to_on")),
    }
    if kind == EventKind.INVOLVEMENT_ENDED:
        return _("%(who)s schreef op dat %(organisation)s niet meer meehelpt. De laatste dag was %(to)s.") % values
    because = detail.get("because")
    if because == "share":
        return _("%(organisation)s helpt nu mee, omdat %(who)s een doel met hen deelde.") % values
    if because == "action":
        return _("%(organisation)s helpt nu mee: ze doen een actie in jullie plan.") % values
    if because == "handover":
        return _("%(organisation)s helpt jullie vanaf nu verder en staat bij wie er meehelpen.") % values
    if detail.get("to_on"):
        earlier = _("%(who)s zette %(organisation)s bij wie er eerder meehielpen, van %(from)s tot en met %(to)s.")
        return earlier % values
    return _("%(who)s zette %(organisation)s bij wie er meehelpen, sinds %(from)s.") % values


def _phase_sentence(who: str, detail: dict[str, Any]) -> str:
    """A step of the trajectory, in words the household reads: what was decided and what comes next."""
    values = {"who": who, "organisation": detail.get("organisation", "")}
    outcomes: dict[str, str] = {
        TriageOutcome.REGISSEUR: _(
            "%(who)s is jullie regisseur en houdt het overzicht. De volgende stap is een gesprek over alles wat er "
            "speelt (de intake), daarna maken jullie samen een plan."
        ),
        TriageOutcome.KORTSTONDIG: _(
            "%(who)s helpt jullie een korte tijd om zaken vlot te trekken. Daarna helpen de organisaties die al "
            "betrokken zijn jullie verder."
        ),
        TriageOutcome.VRIJWILLIGERS: _("%(who)s helpt jullie een tijdje om vrijwilligers te vinden die kunnen helpen."),
        TriageOutcome.GEEN_REGIE: _(
            "%(who)s keek met jullie mee: jullie hebben geen regisseur nodig. %(organisation)s helpt jullie verder."
        ),
    }
    outcome = outcomes.get(str(detail.get("outcome", "")))
    if outcome:
        sentence = outcome % values
        if detail.get("triage_reason"):
            sentence += " " + _("Waarom: %(reason)s") % {"reason": detail["triage_reason"]}
        return sentence
    if detail.get("to") == Phase.TRIAGE:
        return _("%(who)s kijkt samen met jullie welke hulp nodig is.") % values
    later = _later_phase_sentence(who, detail)
    if later:
        return later
    return _("%(who)s zette een stap: %(to)s.") % {
        "who": who,
        "to": household_phase_label(str(detail.get("to", ""))),
    }


# --- handovers (warm to a partner, or the regisseur role to a colleague) ---
_HANDOVER_EVENTS = frozenset(
    {EventKind.HANDOVER_OFFERED, EventKind.HANDOVER_ACCEPTED, EventKind.HANDOVER_DECLINED, EventKind.HANDOVER_WITHDRAWN}
)


def _handover_sentence(kind: str, who: str, detail: dict[str, Any]) -> str:
    """A handover in the household's words: who is asked to help them on, and what happens when they say yes."""
    name = str(detail.get("to", ""))
    organisation = str(detail.get("organisation", ""))
    values = {
        "who": who,
        "name": name,
        "to": f"{name} ({organisation})" if organisation else name,
        "regisseur": detail.get("regisseur") or who,
        "answer": detail.get("answer", ""),
        "date": day(dt.date.fromisoformat(str(detail["since"]))) if detail.get("since") else "",
    }
    warm = detail.get("handover_kind") == "warm"
    if kind == EventKind.HANDOVER_OFFERED:
        if warm:
            return _("%(who)s vraagt %(to)s om jullie verder te helpen. Dat gaat in als %(name)s ja zegt.") % values
        return _("%(who)s vraagt %(to)s om jullie regisseur te worden. Dat gaat in als %(name)s ja zegt.") % values
    if kind == EventKind.HANDOVER_ACCEPTED:
        if warm:
            return (
                _("Vanaf %(date)s helpt %(to)s jullie verder. %(regisseur)s is dan niet meer jullie regisseur.")
                % values
            )
        return _("Vanaf %(date)s is %(name)s jullie regisseur.") % values
    if kind == EventKind.HANDOVER_DECLINED:
        if warm:
            sentence = _("%(to)s zei nee op de vraag om jullie verder te helpen: %(answer)s") % values
        else:
            sentence = _("%(to)s zei nee op de vraag om jullie regisseur te worden: %(answer)s") % values
        return sentence + " " + _("%(regisseur)s blijft jullie regisseur.") % values
    if warm:
        return (
            _("%(who)s vraagt %(to)s toch niet om jullie verder te helpen. %(who)s blijft jullie regisseur.") % values
        )
    return _("%(who)s vraagt %(to)s toch niet om jullie regisseur te worden. %(who)s blijft jullie regisseur.") % values


_BUDGET_EVENTS = frozenset({EventKind.BUDGET_BOOKED, EventKind.BUDGET_APPROVED, EventKind.BUDGET_REFUSED})


def _budget_sentence(kind: str, who: str, detail: dict[str, Any]) -> str:
    """The gezinsbudget: "Fatima heeft € 120,00 uitgegeven aan: schoolspullen." """
    values = {
        "who": who,
        "amount": euro(int(detail.get("amount_cents", 0))),
        "purpose": detail.get("purpose", ""),
        "by": detail.get("decided_by", ""),
        "reason": detail.get("refusal", ""),
    }
    grant = detail.get("kind") == EntryKind.GRANT
    if kind == EventKind.BUDGET_BOOKED:
        if detail.get("status") == EntryStatus.AWAITING:
            if grant:
                return (
                    _("%(who)s wil %(amount)s toekennen voor: %(purpose)s. Dat wacht op goedkeuring van de teamleider.")
                    % values
                )
            return (
                _("%(who)s wil %(amount)s uitgeven aan: %(purpose)s. Dat wacht op goedkeuring van de teamleider.")
                % values
            )
        if grant:
            return _("%(who)s heeft %(amount)s toegekend voor: %(purpose)s.") % values
        return _("%(who)s heeft %(amount)s uitgegeven aan: %(purpose)s.") % values
    if kind == EventKind.BUDGET_APPROVED:
        return _("%(who)s (teamleider) keurde goed: %(amount)s voor %(purpose)s. Het telt nu mee.") % values
    return _("%(who)s (teamleider) keurde niet goed: %(amount)s voor %(purpose)s. Waarom: %(reason)s") % values


@per_language
def entry_kind_label(kind: str) -> str:
    labels: dict[str, str] = {EntryKind.GRANT: _("toekenning"), EntryKind.SPENDING: _("uitgave")}
    return labels.get(kind, kind)


def handover_kind_label(kind: str, organisation: str = "") -> str:
    """What a handover asks of its receiver."""
    if kind == "warm":
        return _("het huishouden verder te helpen vanuit %(organisation)s (warme overdracht)") % {
            "organisation": organisation
        }
    return _("regisseur te worden van het huishouden")


def _later_phase_sentence(who: str, detail: dict[str, Any]) -> str:
    """The phases after the intake: the plan vastgesteld, uitvoering, evaluatie, waakvlam and the afsluiting."""
    source, target = str(detail.get("from", "")), str(detail.get("to", ""))
    values = {"who": who}
    if target == Phase.AFGESLOTEN:
        reason, _sep, more = str(detail.get("reason", "")).partition(":")
        values["more"] = more.strip()
        closings: dict[str, str] = {
            "doelen bereikt": _("%(who)s sloot het traject af: jullie hebben jullie doelen bereikt."),
            "overgedragen": _("%(who)s sloot het traject af. %(more)s helpt jullie verder."),
            "voortijdig gestopt": _("%(who)s sloot het traject af: het stopte eerder dan gepland. Waarom: %(more)s"),
            "verhuisd": _("%(who)s sloot het traject af, omdat jullie verhuisd zijn."),
            "hulp geweigerd": _("%(who)s sloot het traject af, omdat jullie deze hulp niet meer wilden."),
        }
        return closings.get(reason, _("%(who)s sloot het traject af.")) % values
    if target == Phase.PLAN_VASTGESTELD:
        return _("Jullie plan is vastgesteld.")
    if target == Phase.UITVOERING and source == Phase.WAAKVLAM:
        return _("%(who)s heropende het traject: jullie gaan weer samen verder met het plan.") % values
    if target == Phase.UITVOERING and source == Phase.EVALUATIE:
        return _("Na de evaluatie gaan jullie verder met het plan.")
    if target == Phase.UITVOERING and source == Phase.PLAN_VASTGESTELD:
        return _("%(who)s zette het plan in gang: jullie zijn begonnen.") % values
    if target == Phase.EVALUATIE:
        return _("%(who)s kijkt met jullie terug: hoe gaat het met het plan? (evaluatie)") % values
    if target == Phase.WAAKVLAM:
        return (
            _(
                "Het gaat goed genoeg om los te laten. %(who)s houdt een waakvlam: af en toe vraagt %(who)s hoe het "
                "gaat, en als het nodig is, pakken jullie het plan samen weer op."
            )
            % values
        )
    return ""


def _step_sentence(kind: str, who: str, detail: dict[str, Any]) -> str:
    """The akkoord on the plan, planned evaluations and the check-ins of the waakvlam."""
    if kind == EventKind.PLAN_AGREED:
        when = _date_of(detail.get("agreed_on"))
        if detail.get("way") == "in_person":
            return _("%(who)s schreef op dat jullie op %(date)s akkoord gingen met het plan.") % {
                "who": who,
                "date": when,
            }
        return _("%(who)s zei op %(date)s akkoord op jullie plan.") % {"who": who, "date": when}
    if kind == EventKind.EVALUATION_PLANNED:
        when = _date_of(detail.get("evaluation_on"))
        if detail.get("first"):
            return _("De eerste evaluatie van het plan is op %(date)s.") % {"date": when}
        return _("De volgende evaluatie van het plan is op %(date)s.") % {"date": when}
    if kind == EventKind.CHECKIN_PLANNED:
        return _("%(who)s komt op %(date)s even horen hoe het gaat (check-in).") % {
            "who": who,
            "date": _date_of(detail.get("due_on")),
        }
    if kind == EventKind.CHECKIN_DONE:
        if detail.get("went_well"):
            sentence = _("%(who)s vroeg hoe het gaat: het gaat goed.") % {"who": who}
        else:
            sentence = _("%(who)s vroeg hoe het gaat: het gaat niet zo goed.") % {"who": who}
        if detail.get("note"):
            sentence += " " + _("Notitie: %(note)s") % {"note": detail["note"]}
        return sentence
    return ""


def _date_of(value: object) -> str:
    try:
        return day(dt.date.fromisoformat(str(value)))
    except ValueError:
        return ""


def handover_offer_row(pending: PendingHandover) -> dict[str, Any]:
    """A handover waiting for the receiver's answer, as their start page lists it."""
    return {
        "household_id": pending.household_id,
        "household": pending.household_name,
        "what": handover_kind_label(pending.kind, pending.organisation),
        "from": pending.from_name,
        "since": day(pending.since.date()),
    }


def handover_waiting(pending: PendingHandover | None) -> str:
    """The regisseur's line for a handover that waits: "wacht op Joris de Wit (GGZ) sinds 3 april 2026"."""
    if pending is None:
        return ""
    to = f"{pending.to_name} ({pending.organisation})" if pending.organisation else pending.to_name
    return _("wacht op %(name)s sinds %(date)s") % {"name": to, "date": day(pending.since.date())}


def _plan_sentence(kind: str, who: str, detail: dict[str, Any]) -> str:
    values = {"who": who, **{k: v for k, v in detail.items() if isinstance(v, str | int)}}
    if isinstance(detail.get("domain"), str):
        # The timeline is the household's: its leefgebieden in its own words.
        values["domain"] = plain_domain_name(detail["domain"])
    templates: dict[str, str] = {
        EventKind.GOAL_CREATED: _("%(who)s schreef een doel bij %(domain)s: \u201c%(goal)s\u201d."),
        EventKind.GOAL_UPDATED: _("%(who)s paste het doel \u201c%(goal)s\u201d aan."),
        EventKind.GOAL_REMOVED: _("Doel geschrapt: \u201c%(goal)s\u201d. %(who)s schrapte het uit jullie plan."),
        EventKind.ACTION_CREATED: _("%(who)s voegde een actie toe: \u201c%(action)s\u201d."),
        EventKind.ACTION_UPDATED: _("%(who)s paste de actie \u201c%(action)s\u201d aan."),
        EventKind.ACTION_TICKED: _("%(who)s vinkte \u201c%(action)s\u201d af."),
        EventKind.ACTION_UNTICKED: _("%(who)s zette \u201c%(action)s\u201d terug op niet gedaan."),
        EventKind.SHARE_CREATED: _("%(who)s deelde het doel \u201c%(goal)s\u201d met %(with)s, om: %(purpose)s."),
        EventKind.SHARE_REVOKED: _("%(who)s stopte met delen van \u201c%(goal)s\u201d met %(with)s."),
        EventKind.RATING_SET: _("%(who)s gaf %(domain)s een %(score)s."),
        EventKind.HELP_PUBLISHED: _("%(who)s vroeg vrijwilligers om hulp bij: \u201c%(what)s\u201d."),
        EventKind.HELP_OFFERED: _("%(who)s (%(organisation)s) bood hulp aan bij: \u201c%(what)s\u201d."),
        EventKind.HELP_ACCEPTED: _("%(who)s nam het aanbod van %(volunteer)s aan voor: \u201c%(what)s\u201d."),
        EventKind.HELP_DECLINED: _("%(who)s zei nee tegen het aanbod van %(volunteer)s."),
        EventKind.HELP_DONE: _("%(who)s meldde: \u201c%(what)s\u201d is gedaan."),
        EventKind.HELP_CONFIRMED: _("%(who)s bevestigde dat \u201c%(what)s\u201d gedaan is."),
        EventKind.HELP_WITHDRAWN: _("%(who)s trok de hulpvraag \u201c%(what)s\u201d in."),
        EventKind.HELP_PART_ENDED: _("%(who)s stopte de hulp van %(volunteer)s bij: \u201c%(what)s\u201d."),
        EventKind.NETWORK_ADDED: _("%(who)s zette %(name)s op de netwerkkaart."),
        EventKind.NETWORK_UPDATED: _("%(who)s paste %(name)s aan op de netwerkkaart."),
        EventKind.NETWORK_WITHDRAWN: _("%(who)s trok de toegang van %(name)s tot jullie plan in."),
        EventKind.NETWORK_LEFT: _("%(name)s doet niet meer mee met jullie plan."),
        EventKind.NETWORK_JOINED: _("%(name)s nam de uitnodiging aan en kijkt nu mee met jullie plan."),
        EventKind.ACTION_NOTED: _("%(who)s schreef bij \u201c%(action)s\u201d: %(note)s"),
        EventKind.ACTION_ASSIGNED: _(
            "%(who)s gaf de actie \u201c%(action)s\u201d aan %(organisation)s. %(organisation)s ziet nu het doel "
            "\u201c%(goal)s\u201d met de acties erbij."
        ),
        EventKind.ACTION_TAKEN: _("%(name)s van %(organisation)s pakt de actie \u201c%(action)s\u201d op."),
    }
    if kind in (EventKind.SHARE_CREATED, EventKind.SHARE_REVOKED) and detail.get("subject") == "ratings":
        if kind == EventKind.SHARE_CREATED:
            return _("%(who)s deelde jullie scores met %(with)s, om: %(purpose)s.") % values
        return _("%(who)s stopte met delen van jullie scores met %(with)s.") % values
    if kind == EventKind.NETWORK_INVITED:
        if detail.get("action"):
            return _("%(who)s nodigde %(name)s uit voor: \u201c%(action)s\u201d.") % values
        return _("%(who)s nodigde %(name)s uit om mee te kijken met jullie plan.") % values
    if kind in INTAKE_SENTENCES:
        return str(INTAKE_SENTENCES[kind]() % values)
    if kind == EventKind.ASSESSMENT_STARTED:
        return _("%(who)s begon een nieuwe ronde scores: %(kind)s.") % {
            "who": who,
            "kind": household_assessment_kind_label(str(detail.get("assessment_kind", ""))),
        }
    template = templates.get(kind)
    if template is None:
        return ""
    try:
        return template % values
    except (KeyError, TypeError):
        return ""


# The intake and the gespreksverslag, as the household reads them in its timeline.
INTAKE_SENTENCES: dict[str, Any] = {
    EventKind.INTAKE_SAVED: lambda: _("%(who)s schreef op wat jullie vertelden in het intakegesprek."),
    EventKind.INTAKE_COMPLETED: lambda: _(
        "%(who)s en jullie rondden het intakegesprek af. Het gespreksverslag staat klaar."
    ),
    EventKind.HISTORY_ADDED: lambda: _("%(who)s schreef eerdere hulp op: %(helper)s."),
    EventKind.REPORT_CORRECTED: lambda: _("%(who)s schreef een correctie bij het gespreksverslag."),
}


def plan_labels() -> dict[str, Any]:
    """Label functions for the plan templates (and the dossier, which also shows the gezinsbudget)."""
    return {
        "euro": euro,
        "entry_kind_label": entry_kind_label,
        "horizon_label": horizon_label,
        "status_label": status_label,
        "who_type_label": who_type_label,
        "writer_label": writer_label,
        "day": day,
        "evaluation_status_label": evaluation_status_label,
        "goal_outcome_label": goal_outcome_label,
        "lapse_reason_label": lapse_reason_label,
    }


def demo_label(role: Role, person: Person | None = None) -> str:
    """How the demo start page names each person a visitor can become; with her language when she chose
    one other than Dutch."""
    label = _demo_role_label(role)
    if person is not None and person.locale and person.locale != "nl" and person.locale in LANGUAGE_NAMES:
        language = Locale.parse(person.locale).get_display_name(current_locale.get()) or person.locale
        return _("%(role)s, leest %(language)s") % {"role": label, "language": language}
    return label


def _demo_role_label(role: Role) -> str:
    labels = {
        Role.HOUSEHOLD_MEMBER: _("huishouden"),
        Role.REGISSEUR: _("regisseur"),
        Role.PARTNER_PROFESSIONAL: _("professional van MEE"),
        Role.VOLUNTEER: _("vrijwilliger"),
        Role.TEAM_LEAD: _("teamleider"),
        Role.ADMIN: _("functioneel beheerder"),
        Role.VOLUNTEER_COORDINATOR: _("coördinator vrijwilligers"),
        Role.NETWORK_MEMBER: _("uit het netwerk"),
    }
    return labels[role]


# --- evaluations: planned, moved, opened, held (with the summary), lapsed, and their guests ---
_EVALUATION_EVENTS = frozenset(
    {
        EventKind.EVALUATION_MOVED,
        EventKind.EVALUATION_STARTED,
        EventKind.EVALUATION_HELD,
        EventKind.EVALUATION_LAPSED,
        EventKind.EVALUATION_GUEST_INVITED,
    }
)


@per_language
def short_day(value: dt.date) -> str:
    """A day as the summary of an evaluation writes it: "3 december"."""
    return format_date(value, "d MMMM", locale=current_locale.get())


def evaluation_summary(facts: evaluations.HeldFacts) -> str:
    """The summary of a held evaluation in the reader's language."""
    return evaluations.summary_text(facts, day=short_day, translate=_)


def _evaluation_sentence(kind: str, who: str, detail: dict[str, Any]) -> str:
    values = {
        "who": who,
        "name": detail.get("name", ""),
        "reason": detail.get("reason", ""),
        "from": _date_of(detail.get("from")),
        "to": _date_of(detail.get("to")),
        "date": _date_of(detail.get("planned_on")),
    }
    if kind == EventKind.EVALUATION_HELD:
        facts = evaluations.HeldFacts.from_detail(detail)
        return evaluation_summary(facts) if facts else _("%(who)s rondde de evaluatie af.") % values
    if kind == EventKind.EVALUATION_MOVED:
        return _("%(who)s verzette de evaluatie van %(from)s naar %(to)s. Waarom: %(reason)s") % values
    if kind == EventKind.EVALUATION_STARTED:
        return _("De evaluatie is begonnen. Jullie en %(who)s geven nu allebei scores, in dezelfde ronde.") % values
    if kind == EventKind.EVALUATION_GUEST_INVITED:
        return _("%(who)s nodigde %(name)s uit voor de evaluatie van %(date)s.") % values
    if detail.get("why") == evaluations.LAPSED_WAAKVLAM:
        return _("De evaluatie van %(date)s gaat niet door: het traject ging naar de waakvlam.") % values
    return _("De evaluatie van %(date)s gaat niet door: het traject is afgesloten.") % values


@per_language
def evaluation_status_label(status: str) -> str:
    labels: dict[str, str] = {
        EvaluationStatus.GEPLAND: _("gepland"),
        EvaluationStatus.GEHOUDEN: _("gehouden"),
        EvaluationStatus.VERZET: _("verzet"),
        EvaluationStatus.VERVALLEN: _("gaat niet door"),
    }
    return labels.get(status, status)


@per_language
def goal_outcome_label(outcome: str) -> str:
    labels: dict[str, str] = {
        GoalOutcome.BEREIKT: _("bereikt"),
        GoalOutcome.LOOPT: _("loopt nog"),
        GoalOutcome.BIJGESTELD: _("bijgesteld"),
        GoalOutcome.GESTOPT: _("gestopt"),
    }
    return labels.get(outcome, outcome)


@per_language
def decision_label(decision: str) -> str:
    """The three ways on after an evaluation, as the regisseur chooses them."""
    labels: dict[str, str] = {
        EvaluationDecision.DOORGAAN: _("Doorgaan met het plan, met een volgende evaluatie"),
        EvaluationDecision.AFSCHALEN: _("Afschalen naar een waakvlam, met check-ins"),
        EvaluationDecision.AFSLUITEN: _("Het traject afsluiten"),
    }
    return labels.get(decision, decision)


@per_language
def lapse_reason_label(reason: str) -> str:
    """Why an evaluation did not go on."""
    labels: dict[str, str] = {
        evaluations.LAPSED_CLOSED: _("het traject is afgesloten"),
        evaluations.LAPSED_WAAKVLAM: _("het traject ging naar de waakvlam"),
    }
    return labels.get(reason, reason)
