"""What each answer of a push service means, how long to wait before the next try, and what a device gets."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from server.notify.sender import (
    LONGEST_RETRY,
    Outcome,
    audience,
    classify,
    next_delay,
    parse_retry_after,
    payload,
)

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.SENT),
        (201, Outcome.SENT),
        (202, Outcome.SENT),
        (404, Outcome.GONE),
        (410, Outcome.GONE),
        (429, Outcome.RETRY),
        (500, Outcome.RETRY),
        (502, Outcome.RETRY),
        (503, Outcome.RETRY),
        (400, Outcome.FAILED),
        (401, Outcome.FAILED),
        (403, Outcome.FAILED),
        (413, Outcome.FAILED),
    ],
)
def test_each_answer_has_its_outcome(status: int, outcome: Outcome) -> None:
    assert classify(status).outcome == outcome


def test_the_reason_kept_is_the_status_and_its_phrase() -> None:
    assert classify(503, "Service Unavailable").reason == "HTTP 503 Service Unavailable"
    assert classify(201, "Created").reason == ""


def test_the_wait_doubles_from_thirty_seconds_up_to_an_hour() -> None:
    waits = [next_delay(attempt).total_seconds() for attempt in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_retry_after_longer_than_the_backoff_is_honoured_within_a_day() -> None:
    assert next_delay(1, dt.timedelta(minutes=10)) == dt.timedelta(minutes=10)
    assert next_delay(8, dt.timedelta(seconds=5)) == LONGEST_RETRY
    assert next_delay(1, dt.timedelta(days=9)) == dt.timedelta(days=1)


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert parse_retry_after("120", NOW) == dt.timedelta(seconds=120)
    assert parse_retry_after("Mon, 02 Mar 2026 12:05:00 GMT", NOW) == dt.timedelta(minutes=5)
    assert parse_retry_after("Mon, 02 Mar 2026 11:00:00 GMT", NOW) == dt.timedelta(0)
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_the_payload_is_a_neutral_title_and_the_address_of_the_message() -> None:
    message = uuid.uuid4()
    assert json.loads(payload(message, None)) == {
        "title": "Er is iets nieuws in Ons Plan",
        "url": f"/mijn/meldingen/{message}",
    }
    # A language the person chose is used; one we do not have falls back to Dutch.
    assert set(json.loads(payload(message, "en"))) == {"title", "url"}
    assert json.loads(payload(message, "xx"))["title"] == "Er is iets nieuws in Ons Plan"


def test_the_vapid_audience_is_the_origin_of_the_push_service() -> None:
    assert audience("https://fcm.googleapis.com/fcm/send/abc:def") == "https://fcm.googleapis.com"
    assert audience("http://127.0.0.1:8123/push/s1") == "http://127.0.0.1:8123"
