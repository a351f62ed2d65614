"""The tables of working offline: the key of every form sent, with its first answer, and the households a
professional marked to keep on her device for a home visit."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from advanced_alchemy.base import UUIDBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.domain.models import utcnow


class FormSubmission(UUIDBase):
    """A form that changed something: the key the server put in it when it rendered the form, with where it
    was sent and what was filled in, as one digest (``service.submission_key``).

    Written in the same transaction as the change, so that the key and the change are stored together or
    not at all; a form sent again (a replay from a device that was offline, a double tap, a retry after a
    lost answer) meets this row and gets ``answer`` back instead of changing anything a second time.
    """

    __tablename__ = "form_submission"
    __table_args__ = (UniqueConstraint("key", name="uq_form_submission_key"),)

    key: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(400))
    # When the server applied it, and when the person made the change on their device (sent along by the
    # service worker for a change kept while offline; empty for one sent at once).
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow, index=True)
    device_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # The first answer: status, the headers that matter (location, htmx), and the body.
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    body: Mapped[bytes] = mapped_column(LargeBinary, default=b"")


class VisitMark(UUIDBase):
    """A household a professional keeps readable on her device ("beschikbaar voor huisbezoek")."""

    __tablename__ = "visit_mark"
    __table_args__ = (UniqueConstraint("person_id", "household_id", name="uq_visit_mark_person_household"),)

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    marked_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
