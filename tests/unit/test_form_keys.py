"""The pieces of 'every change applied once' that need no server: the key a page puts in its forms, what makes
two sends one change, and the time of a change on the device."""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid

import pytest

from server.domain.offline.service import DEVICE_CLOCK_SLACK, KEY_PATTERN, device_time, submission_key
from server.web import FORM_KEY_FIELD, FormKeys, StaticManifest, build_template_engine

NOW = dt.datetime(2026, 11, 24, 14, 0, tzinfo=dt.UTC)


def page_keys(forms: int) -> list[str]:
    """The keys of ``forms`` forms on one rendered page."""
    engine = build_template_engine(StaticManifest()).engine
    html = engine.from_string("{% for _ in range(n) %}{{ csrf() }}{% endfor %}").render(
        n=forms, csrf_token=lambda: "token"
    )
    return re.findall(rf'name="{FORM_KEY_FIELD}" value="([^"]*)"', html)


def test_every_form_on_a_page_gets_a_key_of_its_own_that_is_of_our_pattern() -> None:
    keys = page_keys(20)
    assert len(keys) == len(set(keys)) == 20
    assert all(KEY_PATTERN.fullmatch(key) for key in keys)


def test_pages_rendered_one_after_another_never_repeat_a_key() -> None:
    keys = page_keys(5) + page_keys(5)
    assert len(set(keys)) == 10


def test_a_process_started_by_a_fork_makes_keys_no_other_process_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = FormKeys()
    before = [keys.new() for _ in range(3)]
    # The child of a fork inherits the counter and the random part; its own process id makes it draw anew.
    monkeypatch.setattr(os, "getpid", lambda: -2)
    after = [keys.new() for _ in range(3)]
    assert not set(before) & set(after)
    assert before[0][:16] != after[0][:16]


def test_a_key_made_on_the_device_is_of_our_pattern_and_odd_values_are_not() -> None:
    assert KEY_PATTERN.fullmatch(str(uuid.uuid4()))
    for odd in ("", "x", "a" * 15, "a" * 65, "a" * 200, "twee woorden hier erbij", "ä" * 20, "a" * 20 + "="):
        assert not KEY_PATTERN.fullmatch(odd), odd


def test_one_change_is_the_key_with_where_it_was_sent_and_what_was_filled_in() -> None:
    values = [("gedaan", "ja"), ("terug", "")]
    key = submission_key("K" * 22, "POST", "/huishoudens/1/plan/acties/2/afvinken", values)
    assert key == submission_key("K" * 22, "POST", "/huishoudens/1/plan/acties/2/afvinken", list(values))
    assert re.fullmatch(r"[0-9a-f]{64}", key)  # fits the column
    others = {
        submission_key("K" * 22, "POST", "/huishoudens/1/plan/acties/2/afvinken", [("gedaan", "nee"), ("terug", "")]),
        submission_key("L" * 22, "POST", "/huishoudens/1/plan/acties/2/afvinken", values),
        submission_key("K" * 22, "POST", "/huishoudens/1/plan/acties/3/afvinken", values),
        submission_key("K" * 22, "PUT", "/huishoudens/1/plan/acties/2/afvinken", values),
        submission_key("K" * 22, "POST", "/huishoudens/1/plan/acties/2/afvinken", [("gedaan", "ja")]),
    }
    assert key not in others and len(others) == 5


def test_values_that_only_look_alike_are_other_changes() -> None:
    """A value with a separator in it cannot pass for two fields."""
    path = "/huishoudens/1/scores/leefgebied/financien"
    one = submission_key("K" * 22, "POST", path, [("note", 'a","b'), ("score", "2")])
    two = submission_key("K" * 22, "POST", path, [("note", "a"), ("b", ""), ("score", "2")])
    assert one != two


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("2026-11-24T12:30:00+02:00", dt.datetime(2026, 11, 24, 10, 30, tzinfo=dt.UTC)),
        ("2026-11-24T10:30:00Z", dt.datetime(2026, 11, 24, 10, 30, tzinfo=dt.UTC)),
        ("2026-11-24T10:30:00.250+00:00", dt.datetime(2026, 11, 24, 10, 30, 0, 250000, tzinfo=dt.UTC)),
        ("2026-11-23T22:00:00-05:00", dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)),
        # A clock a little ahead is a clock, not nonsense.
        ("2026-11-24T14:05:00+00:00", dt.datetime(2026, 11, 24, 14, 5, tzinfo=dt.UTC)),
    ],
)
def test_a_device_time_is_stored_as_the_moment_it_names(sent: str, stored: dt.datetime) -> None:
    moment = device_time(sent, NOW)
    assert moment == stored
    assert moment is not None and moment.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    "sent",
    [
        None,
        "",
        "gisteren om drie uur",
        "1732455000",
        "2026-11-24",  # a day, no moment
        "2026-11-24T10:30:00",  # no offset: whose ten thirty?
        "2026-13-24T10:30:00+01:00",
        "2026-11-24T10:30:00+25:00",
        "2026-11-24T10:30:00+01:00" + " " * 30,
        "2026-10-01T10:30:00+01:00",  # before any change kept that long
        "2027-01-01T10:30:00+01:00",  # far ahead
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
    ],
)
def test_a_device_time_that_is_absent_or_implausible_is_not_stored(sent: str | None) -> None:
    assert device_time(sent, NOW) is None


def test_a_device_time_is_stored_up_to_the_slack_and_not_beyond() -> None:
    second = dt.timedelta(seconds=1)
    for offset in (DEVICE_CLOCK_SLACK, -DEVICE_CLOCK_SLACK):
        assert device_time((NOW + offset).isoformat(), NOW) == NOW + offset
    for offset in (DEVICE_CLOCK_SLACK + second, -DEVICE_CLOCK_SLACK - second):
        assert device_time((NOW + offset).isoformat(), NOW) is None


def test_a_device_time_is_read_against_the_server_clock_by_default() -> None:
    just_now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    assert device_time(just_now.isoformat()) == just_now
    assert device_time((just_now - 2 * DEVICE_CLOCK_SLACK).isoformat()) is None
