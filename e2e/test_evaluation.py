"""An evaluation in a real Chromium, with the household and the regisseur scoring in one round.

A household of the test's own (in uitvoering, Fatima its regisseur, two goals, an evaluation planned in ten
days) prepares on the member's phone: her start page tells the day, and she scores every leefgebied ahead.
Fatima, on her tablet, finds the evaluation through the household's page; moving it without a reason is
refused in Dutch, with a reason it moves and the scores given ahead go with it. At the table she opens it,
gives her scores in the same round, reviews each goal (one bijgesteld, in new words) and decides to go on with
the next evaluation on a day she chooses. The evaluation page shows both columns of that one round and the
summary; the member reads the summary in her timeline and her start page tells the next day.

Every page is checked with axe-core; screenshots go to /tmp/e2e14/.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, CDPSession, Locator, Page, expect

from e2e.conftest import PHONE, TABLET, LiveServer
from e2e.helpers import (
    add_virtual_authenticator,
    allow_console_error,
    assert_no_horizontal_scroll,
    broken_words,
    check_a11y,
    enrol,
    from_start_page,
    own_household,
    settle,
    visit,
)

SHOTS = Path("/tmp/e2e14")
NETWORK_GOAL = "Ik wil iemand die ik kan bellen als het niet gaat."
MONEY_GOAL = "We willen elke week weten welke rekeningen er open staan."
MONEY_GOAL_NOW = "We betalen de vaste lasten zelf, op de eerste van de maand."
# Scores per leefgebied, in the order of the default set (eleven leefgebieden). On the first leefgebied
# (financiën) they are two steps apart: the page asks to talk about it.
MEMBER_SCORES = [2, 3, 3, 4, 3, 4, 5, 4, 3, 3, 5]
REGISSEUR_SCORES = [4, 3, 3, 4, 3, 3, 5, 4, 2, 3, 5]
MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
# Passkey sessions of the virtual authenticators, kept alive for as long as the test runs.
_AUTHENTICATORS: list[CDPSession] = []


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def device_page(context: BrowserContext) -> Page:
    page = context.new_page()
    cdp, _authenticator = add_virtual_authenticator(context, page)
    _AUTHENTICATORS.append(cdp)
    return page


def on_phone(page: Page) -> None:
    assert_no_horizontal_scroll(page)
    page.set_viewport_size(PHONE["viewport"])


def click_to(page: Page, target: Locator, path_pattern: str) -> None:
    target.click()
    settle(page, path_pattern)


def day_month(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


def full_day(day: dt.date) -> str:
    return f"{day_month(day)} {day.year}"


def rate_all(page: Page, scores: list[int], shown: Callable[[int], str]) -> None:
    """Tap a score on every leefgebied; each card is swapped in place and shows the score chosen."""
    cards = page.locator("li.rating")
    expect(cards).to_have_count(len(scores))
    for index, score in enumerate(scores):
        cards.nth(index).locator(f"button[name=score][value='{score}']").first.click()
        card = cards.nth(index)
        expect(card.locator(f"button[name=score][value='{score}']").first).to_have_attribute("aria-pressed", "true")
        expect(card.locator(".rating__compare")).to_contain_text(shown(score))
    check_a11y(page)


def round_table(page: Page) -> list[tuple[str, str, str]]:
    """The round's table: per leefgebied the household's and the regisseur's score, as the page shows them."""
    rows = page.locator("table.round-table tbody tr")
    return [
        (
            " ".join(rows.nth(i).locator("th").inner_text().split()),
            rows.nth(i).locator("td").nth(0).inner_text().strip(),
            rows.nth(i).locator("td").nth(1).inner_text().strip(),
        )
        for i in range(rows.count())
    ]


def goal_card(page: Page, text: str) -> Locator:
    return page.locator("li.goal-review", has=page.get_by_role("heading", name=text, exact=True))


def test_the_household_and_the_regisseur_score_in_one_round_review_each_goal_and_go_on(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    household = own_household(
        live_server,
        member="Yara",
        goals=(("sociaal_netwerk", NETWORK_GOAL), ("financien", MONEY_GOAL)),
        evaluation_in_days=10,
    )
    assert household.evaluation_on is not None and household.evaluation_id is not None
    planned_on = household.evaluation_on
    moved_to = planned_on + dt.timedelta(days=4)
    next_on = dt.date.today() + dt.timedelta(days=70)
    evaluations = rf"/huishoudens/{household.id}/evaluaties"

    # --- Yara prepares on her phone: her start page tells the day, and she scores ahead.
    yara = device_page(new_context(PHONE, bypass_csp=True))
    enrol(yara, household.link)
    on_phone(yara)
    expect(yara.locator(".next-evaluation")).to_contain_text(f"Jullie volgende evaluatie is op {full_day(planned_on)}.")
    click_to(
        yara,
        yara.get_by_role("link", name="Voorbereiden: geef alvast scores"),
        rf"{evaluations}/{household.evaluation_id}$",
    )
    on_phone(yara)
    expect(yara.get_by_role("heading", level=1)).to_have_text("Evaluatie van jullie plan")
    expect(yara.locator("main")).to_contain_text(f"Op {full_day(planned_on)} kijken jullie samen met Fatima terug")
    click_to(yara, yara.get_by_role("button", name="Alvast scores geven"), r"/scores$")
    rate_all(yara, MEMBER_SCORES, lambda score: f"Huishouden: {score}")
    on_phone(yara)
    click_to(
        yara, yara.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn overzicht"), r"/mijn$"
    )
    click_to(
        yara,
        yara.get_by_role("link", name="Verder met voorbereiden"),
        rf"{evaluations}/{household.evaluation_id}$",
    )
    expect(yara.locator("main")).to_contain_text("Deze scores zijn alvast gegeven.")
    ahead = round_table(yara)
    assert [int(mine) for _domain, mine, _theirs in ahead] == MEMBER_SCORES
    assert {theirs for _domain, _mine, theirs in ahead} == {"nog niet"}
    on_phone(yara)
    shot(yara, "yara-scored-ahead-phone")

    # --- Fatima finds the evaluation through the household's page on her tablet.
    fatima = device_page(new_context(TABLET, bypass_csp=True))
    from_start_page(fatima, "Fatima", "regisseur")
    click_to(fatima, fatima.get_by_role("link", name=household.name).first, rf"/huishoudens/{household.id}$")
    click_to(fatima, fatima.get_by_role("link", name="Evaluaties", exact=True), rf"{evaluations}$")
    click_to(
        fatima,
        fatima.get_by_role("link", name=f"Evaluatie op {full_day(planned_on)}"),
        rf"{evaluations}/{household.evaluation_id}$",
    )
    expect(fatima.locator("main")).to_contain_text("Het huishouden gaf al scores. Die horen bij deze ronde.")

    # Moving it needs a reason: without one the form comes back in Dutch, with the day that was chosen.
    allow_console_error(fatima, r"status of 400")
    fatima.get_by_label("Nieuwe dag").fill(moved_to.isoformat())
    fatima.get_by_role("button", name="Evaluatie verzetten").click()
    expect(fatima.get_by_role("alert")).to_contain_text("Schrijf in een paar woorden waarom de evaluatie verzet wordt.")
    check_a11y(fatima)
    expect(fatima.get_by_label("Nieuwe dag")).to_have_value(moved_to.isoformat())
    assert fatima.url.endswith(f"/evaluaties/{household.evaluation_id}")
    shot(fatima, "fatima-move-without-reason-tablet")
    fatima.get_by_label("Waarom verzet je de evaluatie?").fill("Yara heeft die dag een afspraak bij de huisarts.")
    fatima.get_by_role("button", name="Evaluatie verzetten").click()
    settle(fatima, rf"{evaluations}/[0-9a-f-]{{36}}\?verzet=1$")
    evaluation_id = re.search(r"/evaluaties/([0-9a-f-]{36})", fatima.url)
    assert evaluation_id and evaluation_id.group(1) != household.evaluation_id
    evaluation = f"{evaluations}/{evaluation_id.group(1)}"
    expect(fatima.get_by_role("status")).to_contain_text("De evaluatie is verzet.")
    expect(fatima.locator("p.lead")).to_contain_text(f"{full_day(moved_to)} · gepland")
    # The scores Yara gave ahead went with it to the new day.
    assert [int(mine) for _domain, mine, _theirs in round_table(fatima)] == MEMBER_SCORES

    # --- At the table: she opens it and gives her scores in the same round.
    click_to(fatima, fatima.get_by_role("button", name="Evaluatie openen aan tafel"), rf"{evaluation}\?geopend=1$")
    expect(fatima.locator("p.lead")).to_contain_text("nu bezig")
    click_to(fatima, fatima.get_by_role("link", name="Jouw scores geven"), r"/scores$")
    rate_all(fatima, REGISSEUR_SCORES, lambda score: f"Regisseur: {score}")
    expect(fatima.locator("li.rating").first.locator(".rating__compare")).to_contain_text(
        f"Huishouden: {MEMBER_SCORES[0]}"
    )
    visit(fatima, evaluation)
    both = round_table(fatima)
    assert [(int(mine), int(theirs)) for _domain, mine, theirs in both] == list(
        zip(MEMBER_SCORES, REGISSEUR_SCORES, strict=True)
    )
    talk = [domain for domain, _mine, _theirs in both if "bespreek dit samen" in domain]
    assert len(talk) == 1 and talk[0].startswith("Financiën"), both

    # --- Each goal in turn: the network goal still runs; the money goal is bijgesteld, in new words (without
    # them it is refused).
    expect(fatima.locator("main")).to_contain_text("Nog 2 doelen zijn niet besproken.")
    network = goal_card(fatima, NETWORK_GOAL)
    network.get_by_label("loopt nog", exact=True).check()
    network.get_by_label("Korte notitie (mag leeg)").fill("Oma belt nu elke week.")
    click_to(fatima, network.get_by_role("button", name=re.compile("^Bewaren")), rf"{evaluation}\?besproken=1")
    expect(goal_card(fatima, NETWORK_GOAL)).to_contain_text("Besproken: loopt nog · Oma belt nu elke week.")
    money = goal_card(fatima, MONEY_GOAL)
    money.get_by_label("bijgesteld", exact=True).check()
    # The field starts with the goal's words, to change; emptied, the form asks for the new words.
    new_words = money.get_by_label("Het doel in nieuwe woorden (alleen bij bijgesteld)")
    expect(new_words).to_have_value(MONEY_GOAL)
    new_words.fill("")
    money.get_by_role("button", name=re.compile("^Bewaren")).click()
    expect(goal_card(fatima, MONEY_GOAL).get_by_role("alert")).to_contain_text(
        "Schrijf op hoe het doel nu luidt, in de woorden van het huishouden."
    )
    check_a11y(fatima)
    money = goal_card(fatima, MONEY_GOAL)
    expect(money.get_by_label("bijgesteld", exact=True)).to_be_checked()
    money.get_by_label("Het doel in nieuwe woorden (alleen bij bijgesteld)").fill(MONEY_GOAL_NOW)
    click_to(fatima, money.get_by_role("button", name=re.compile("^Bewaren")), rf"{evaluation}\?besproken=1")
    expect(goal_card(fatima, MONEY_GOAL_NOW)).to_contain_text("Besproken: bijgesteld")
    expect(fatima.locator("main")).not_to_contain_text("niet besproken")
    shot(fatima, "fatima-evaluation-reviewed-tablet")

    # --- The decision: go on, with the next evaluation on the day she chooses.
    fatima.get_by_label("Doorgaan met het plan, met een volgende evaluatie").check()
    fatima.get_by_label("Volgende evaluatie op").fill(next_on.isoformat())
    click_to(fatima, fatima.get_by_role("button", name="Besluit vastleggen"), rf"{evaluation}\?besloten=1$")
    summary = (
        rf"Op \d{{1,2}} \w+ keken jullie samen met Fatima terug\. 1 doel loopt nog en 1 bijgesteld\. "
        rf"Jullie gaan door met het plan; de volgende evaluatie is op {re.escape(day_month(next_on))}\."
    )
    expect(fatima.locator("p.lead")).to_have_text(re.compile(r"^Gehouden op \d{1,2} \w+ \d{4}$"))
    expect(fatima.locator("#summary-title + p")).to_have_text(re.compile(f"^{summary}$"))
    both_after = round_table(fatima)
    assert [(int(mine), int(theirs)) for _domain, mine, theirs in both_after] == list(
        zip(MEMBER_SCORES, REGISSEUR_SCORES, strict=True)
    )
    shot(fatima, "fatima-evaluation-held-tablet")
    # From a tablet's width a table keeps its words whole.
    assert broken_words(fatima, "table.round-table th, table.round-table td") == []
    click_to(fatima, fatima.get_by_role("link", name="Evaluaties", exact=True), rf"{evaluations}$")
    expect(fatima.get_by_role("link", name=f"Evaluatie op {full_day(next_on)}")).to_be_visible()
    earlier = fatima.locator(".evaluation-list li")
    expect(earlier.filter(has_text="(gehouden)")).to_contain_text("1 doel loopt nog en 1 bijgesteld.")
    expect(earlier.filter(has_text="(verzet)")).to_contain_text(
        "Waarom: Yara heeft die dag een afspraak bij de huisarts."
    )

    # --- Yara reads the summary in her timeline, the goal in its new words, and the next day.
    visit(yara, f"/huishoudens/{household.id}")
    click_to(yara, yara.get_by_role("link", name="Tijdlijn: wat er veranderde"), r"/tijdlijn$")
    timeline = yara.locator("main li")
    expect(timeline.filter(has_text=re.compile(f"{summary}$"))).to_have_count(1)
    expect(timeline.filter(has_text="verzette de evaluatie")).to_contain_text(
        f"Fatima verzette de evaluatie van {full_day(planned_on)} naar {full_day(moved_to)}. "
        "Waarom: Yara heeft die dag een afspraak bij de huisarts."
    )
    on_phone(yara)
    shot(yara, "yara-timeline-summary-phone")
    visit(yara, f"/huishoudens/{household.id}/plan")
    expect(yara.get_by_role("heading", name=MONEY_GOAL_NOW, exact=True)).to_be_visible()
    expect(yara.get_by_role("heading", name=MONEY_GOAL, exact=True)).to_have_count(0)
    visit(yara, "/mijn")
    expect(yara.locator(".next-evaluation")).to_contain_text(f"Jullie volgende evaluatie is op {full_day(next_on)}.")
    on_phone(yara)

    # She reads the held evaluation on her phone too: what they agreed and the round's two columns.
    click_to(yara, yara.get_by_role("link", name=household.name), rf"/huishoudens/{household.id}$")
    click_to(yara, yara.get_by_role("link", name="Evaluaties", exact=True), rf"{evaluations}$")
    held = yara.locator(".evaluation-list li").filter(has_text="(gehouden)")
    click_to(yara, held.get_by_role("link"), rf"{evaluation}$")
    expect(yara.get_by_role("heading", name="Wat jullie samen afspraken")).to_be_visible()
    expect(yara.locator("#summary-title + p")).to_have_text(re.compile(f"^{summary}$"))
    assert [(int(mine), int(theirs)) for _domain, mine, theirs in round_table(yara)] == list(
        zip(MEMBER_SCORES, REGISSEUR_SCORES, strict=True)
    )
    on_phone(yara)
    shot(yara, "yara-evaluation-held-phone")
