"""Days of the week, periods and task lines of help from volunteers, in the reader's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from babel.dates import get_day_names
from babel.lists import format_list

from server.domain.volunteering.service import WEEKDAYS, Task
from server.i18n import current_locale
from server.i18n import gettext as _
from server.views.presenters import day


def weekday_name(weekday: int) -> str:
    """0 is Monday: "maandag" (in English "Monday")."""
    return str(get_day_names("wide", locale=current_locale.get())[weekday])


def weekday_options() -> list[tuple[str, str]]:
    """The checkboxes of the days of the week: (code, name)."""
    return [(code, weekday_name(i)) for i, code in enumerate(WEEKDAYS)]


def days_phrase(days: Sequence[int], *, capital: bool = False) -> str:
    """ "dinsdag en donderdag"; with ``capital`` at the start of a line: "Dinsdag en donderdag"."""
    text = format_list([weekday_name(d) for d in days], locale=current_locale.get()) if days else ""
    return text[:1].upper() + text[1:] if capital else text


def period_phrase(starts_on: dt.date | None, ends_on: dt.date | None) -> str:
    if starts_on and ends_on:
        return _("van %(from)s tot en met %(until)s") % {"from": day(starts_on), "until": day(ends_on)}
    if starts_on:
        return _("vanaf %(from)s") % {"from": day(starts_on)}
    return ""


def task_line(task: Task) -> str:
    """ "Dinsdag en donderdag: naar school brengen, 8.15 uur" (a one-off task: the task and when)."""
    what = task.what + (f", {task.when_text}" if task.when_text else "")
    if not task.days:
        return what
    return _("%(days)s: %(what)s") % {"days": days_phrase(task.days, capital=True), "what": what}


def view_helpers() -> dict[str, object]:
    return {
        "weekday_name": weekday_name,
        "days_phrase": days_phrase,
        "period_phrase": period_phrase,
        "task_line": task_line,
        "day": day,
        "weekday_codes": WEEKDAYS,
    }
