"""Errors the domain raises. One exception handler maps them to responses."""

from __future__ import annotations


class N_(str):
    """Dutch interface text from the domain, marked for translation and translated at the edge.

    It is the Dutch text itself (so it reads as a plain string), and keeps its template and values so that
    ``server.i18n.gettext`` can translate the template and fill in the values afterwards."""

    template: str
    params: dict[str, object]

    def __new__(cls, template: str, **params: object) -> N_:
        text = super().__new__(cls, template % params if params else template)
        text.template = template
        text.params = params
        return text


class DomainError(Exception):
    """Base of all domain errors. ``message`` is Dutch source text, translated at the edge."""

    message: str = N_("Er ging iets mis.")

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class NotFound(DomainError):
    """The record does not exist, or the person may not know that it does."""

    message = N_("Deze pagina bestaat niet of je mag hem niet zien.")


class NotAllowed(DomainError):
    """The person may not do this. Used where revealing the record is not a concern."""

    message = N_("Dit mag je niet doen.")


class NotSignedIn(DomainError):
    message = N_("Log eerst in.")


class InvalidInput(DomainError):
    """Input that the domain refuses, with a message per field."""

    message = N_("Niet alles is goed ingevuld.")

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        super().__init__(message)
        self.errors = errors


class IllegalTransition(DomainError):
    message = N_("Deze stap kan niet in de huidige fase.")


class TooManyAttempts(DomainError):
    message = N_("Te veel pogingen. Wacht een minuut en probeer het opnieuw.")


class VersionConflict(DomainError):
    message = N_("Iemand anders heeft dit intussen veranderd.")
