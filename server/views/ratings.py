"""The ratings as people see them: a row per leefgebied with both perspectives, the table of every
assessment, and the charts (spider chart and progress per leefgebied). Used by the scores pages and the
dossier export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server.domain.policy import Can
from server.domain.ratings import service as ratings
from server.domain.ratings.instruments import InstrumentDef
from server.domain.ratings.model import Perspective
from server.i18n import gettext as _
from server.views.charts import Series, progress_chart, spider_chart
from server.views.presenters import (
    assessment_kind_label,
    day,
    household_assessment_kind_label,
    perspective_label,
)


def for_reader(can: Can, instrument: InstrumentDef) -> InstrumentDef:
    """The set as this reader sees it: in the household's words (translated) for the household and the
    people around it, in the professional words for professionals."""
    return instrument.in_household_words(_) if can.household_words else instrument


def kind_label_for(can: Can, kind: str) -> str:
    """A kind of meting, in the words of this reader."""
    return household_assessment_kind_label(kind) if can.household_words else assessment_kind_label(kind)


def rating_rows(view: ratings.RatingsView, mine: Perspective) -> list[dict[str, Any]]:
    other = Perspective.PROFESSIONAL if mine is Perspective.HOUSEHOLD else Perspective.HOUSEHOLD
    talk = set(view.to_talk_about())
    latest = view.latest(mine)
    rows = []
    for domain in view.instrument.domains:
        rating = latest.ratings.get(domain.key) if latest else None
        rows.append(
            {
                "domain": domain,
                "score": rating.score if rating else None,
                "note": rating.note if rating else "",
                "household": view.latest_score(Perspective.HOUSEHOLD, domain.key),
                "professional": view.latest_score(Perspective.PROFESSIONAL, domain.key),
                "other": view.latest_score(other, domain.key),
                "talk": domain.key in talk,
            }
        )
    return rows


def both_words(professional: str, household: str) -> str:
    """The professional word with the household's beside it, for the dossier the household downloads."""
    plain = _(household) if household else ""
    return f"{professional} ({plain})" if plain and plain != professional else professional


def rating_table(view: ratings.RatingsView) -> list[dict[str, Any]]:
    """Every assessment with its scores, for the export: who scored, when, and per leefgebied. The dossier
    keeps the professional words, with the household's words beside them."""
    instrument = view.instrument
    rows = []
    for item in view.household + view.professional:
        rows.append(
            {
                "title": f"{assessment_kind_label(item.assessment.kind)} {day(item.assessment.held_on)}",
                "perspective": perspective_label(item.assessment.perspective),
                "scores": [
                    (
                        both_words(d.name, d.household_name),
                        item.ratings[d.key].score if d.key in item.ratings else None,
                        both_words(step.label, step.household)
                        if d.key in item.ratings and (step := instrument.step(item.ratings[d.key].score))
                        else "",
                        item.ratings[d.key].note if d.key in item.ratings else "",
                    )
                    for d in instrument.domains
                ],
            }
        )
    return rows


def charts_context(view: ratings.RatingsView, *, plain: bool = False) -> dict[str, Any]:
    """Spider charts (latest against the nulmeting, per perspective), a progress chart per leefgebied, and
    the same numbers as tables. Also used by the export. ``plain``: in the household's words (give it a set
    from ``for_reader``)."""
    instrument = view.instrument
    kind_label: Callable[[str], str] = household_assessment_kind_label if plain else assessment_kind_label
    axes = [d.name for d in instrument.domains]
    spiders = []
    for perspective, title in (
        (Perspective.HOUSEHOLD, _("Scores van het huishouden")),
        (Perspective.PROFESSIONAL, _("Scores van de regisseur")),
    ):
        history = view.history(perspective)
        if not history:
            continue
        first, last = history[0], history[-1]
        series = [
            Series(
                label=_("Nu: %(kind)s van %(date)s")
                % {"kind": kind_label(last.assessment.kind), "date": day(last.assessment.held_on)},
                values=[last.score(d.key) for d in instrument.domains],
            )
        ]
        if first is not last:
            series.append(
                Series(
                    label=(_("Begin: eerste scores van %(date)s") if plain else _("Begin: nulmeting van %(date)s"))
                    % {"date": day(first.assessment.held_on)},
                    values=[first.score(d.key) for d in instrument.domains],
                    dashed=True,
                )
            )
        spiders.append(
            {
                "title": title,
                "svg": spider_chart(
                    axes,
                    series,
                    scale_max=instrument.max_score,
                    title=title,
                    description=_(
                        "Per onderwerp de score nu, en de eerste keer. De tabel eronder geeft dezelfde cijfers."
                    )
                    if plain
                    else _("Per leefgebied de score nu, en bij de nulmeting. De tabel eronder geeft dezelfde cijfers."),
                    chart_id=f"spin-{perspective.value}",
                ),
                "columns": [f"{kind_label(v.assessment.kind)} {day(v.assessment.held_on)}" for v in history],
                "table": [(d.name, [v.score(d.key) for v in history]) for d in instrument.domains],
            }
        )
    progress = []
    for index, domain in enumerate(instrument.domains):
        points = view.series(Perspective.HOUSEHOLD, domain.key)
        professional = view.series(Perspective.PROFESSIONAL, domain.key)
        title = domain.name
        progress.append(
            {
                "domain": domain,
                "points": [(day(d), s) for d, s in points],
                "professional": [(day(d), s) for d, s in professional],
                "svg": progress_chart(
                    [(day(d), s) for d, s in points],
                    scale_min=instrument.min_score,
                    scale_max=instrument.max_score,
                    title=_("%(domain)s: scores van het huishouden over tijd") % {"domain": title},
                    description=_("Nog geen scores.") if not points else _("Score per meting, van links naar rechts."),
                    chart_id=f"verloop-{index}",
                ),
            }
        )
    return {"instrument": instrument, "spiders": spiders, "progress": progress}
