"""Errors the domain raises. One exception handler maps them to responses."""

from __future__ import annotations


class DomainError(Exception):
    """Base of all domain errors. ``message`` is Dutch source text, translated at the edge."""

    message = "Er ging iets mis."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class NotFound(DomainError):
    """The record does not exist, or the person may not know that it does."""

    message = "Deze pagina bestaat niet of je mag hem niet zien."


class NotAllowed(DomainError):
    """The person may not do this. Used where revealing the record is not a concern."""

    message = "Dit mag je niet doen."


class NotSignedIn(DomainError):
    message = "Log eerst in."


class InvalidInput(DomainError):
    """Input that the domain refuses, with a message per field."""

    message = "Niet alles is goed ingevuld."

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        super().__init__(message)
        self.errors = errors


class IllegalTransition(DomainError):
    message = "Deze stap kan niet in de huidige fase."


class TooManyAttempts(DomainError):
    message = "Te veel pogingen. Wacht een minuut en probeer het opnieuw."


class VersionConflict(DomainError):
    message = "Iemand anders heeft dit intussen veranderd."
