"""WebAuthn ceremonies with the ``webauthn`` package: discoverable credentials, user verification required.

The challenge lives in the server-side session of the browser that asked for it. It is removed from the
session *before* the answer is verified, so a replayed answer finds no challenge and is refused, whether
the first attempt succeeded or not.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from server.config import Settings
from server.domain import text
from server.domain.errors import N_, DomainError
from server.domain.models import Passkey, Person, WebSession, utcnow

REGISTRATION_KEY = "webauthn_registration"
AUTHENTICATION_KEY = "webauthn_authentication"
MAX_NAME = 80


class PasskeyRefused(DomainError):
    message = N_("Dat lukte niet. Probeer het opnieuw.")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def _put(web_session: WebSession, key: str, value: dict[str, Any]) -> None:
    # Assign a new dict so SQLAlchemy sees the JSON column change.
    web_session.data = {**web_session.data, key: value}


def _pop(web_session: WebSession, key: str) -> dict[str, Any] | None:
    data = dict(web_session.data)
    value = data.pop(key, None)
    web_session.data = data
    return value if isinstance(value, dict) else None


def readable_name(name: str) -> str:
    """The name a person gave a passkey, or nothing when it holds characters that cannot be stored."""
    return "" if text.has_forbidden_characters(name) else text.clean(name)


def default_name(user_agent: str) -> str:
    ua = user_agent.lower()
    for needle, name in (
        ("iphone", "iPhone"),
        ("ipad", "iPad"),
        ("android", "Android-telefoon"),
        ("mac os", "Mac"),
        ("windows", "Windows-computer"),
        ("cros", "Chromebook"),
        ("linux", "Linux-computer"),
    ):
        if needle in ua:
            return name
    return "Passkey"


async def registration_options(
    db: AsyncSession, settings: Settings, web_session: WebSession, person: Person, *, enrolment_token: str | None
) -> str:
    existing = await db.scalars(select(Passkey.credential_id).where(Passkey.person_id == person.id))
    options = generate_registration_options(
        rp_id=settings.rp_id,
        rp_name=settings.rp_name,
        user_id=person.id.bytes,
        user_name=person.display_name,
        user_display_name=person.display_name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=cid) for cid in existing],
        timeout=120_000,
    )
    _put(
        web_session,
        REGISTRATION_KEY,
        {"challenge": _b64(options.challenge), "person_id": str(person.id), "token": enrolment_token or ""},
    )
    return options_to_json(options)


def take_pending(web_session: WebSession, key: str) -> dict[str, Any] | None:
    """Remove a pending ceremony from the session. The caller stores that before verifying anything."""
    return _pop(web_session, key)


async def finish_registration(
    db: AsyncSession,
    settings: Settings,
    pending: dict[str, Any] | None,
    person: Person,
    credential: dict[str, Any],
    name: str,
) -> Passkey:
    if not pending:
        raise PasskeyRefused(N_("Deze poging is verlopen. Begin opnieuw."))
    if pending.get("person_id") != str(person.id):
        raise PasskeyRefused
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=_unb64(str(pending["challenge"])),
            expected_rp_id=settings.rp_id,
            expected_origin=settings.origin,
            require_user_verification=True,
        )
    # Any answer the library cannot read or verify is a refusal, never a crash.
    except (WebAuthnException, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise PasskeyRefused from exc
    taken = await db.scalar(select(Passkey.id).where(Passkey.credential_id == verified.credential_id))
    if taken is not None:
        raise PasskeyRefused(N_("Deze passkey is al in gebruik."))
    passkey = Passkey(
        person_id=person.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=(readable_name(name) or "Passkey")[:MAX_NAME],
        created_at=utcnow(),
    )
    db.add(passkey)
    if person.enrolled_at is None:
        person.enrolled_at = passkey.created_at
    await db.flush()
    return passkey


def authentication_options(settings: Settings, web_session: WebSession) -> str:
    # No allow-list: the passkey itself says whose it is (discoverable credential), so nobody has to type a
    # user name and nobody can learn whether an account exists.
    options = generate_authentication_options(
        rp_id=settings.rp_id,
        user_verification=UserVerificationRequirement.REQUIRED,
        timeout=120_000,
    )
    _put(web_session, AUTHENTICATION_KEY, {"challenge": _b64(options.challenge)})
    return options_to_json(options)


async def finish_authentication(
    db: AsyncSession, settings: Settings, pending: dict[str, Any] | None, credential: dict[str, Any]
) -> Person:
    if not pending:
        raise PasskeyRefused(N_("Deze poging is verlopen. Begin opnieuw."))
    try:
        raw_id = _unb64(str(credential["rawId"]))
        user_handle = credential.get("response", {}).get("userHandle")
        user_id = _unb64(str(user_handle)) if user_handle else None
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise PasskeyRefused from exc
    passkey = await db.scalar(select(Passkey).where(Passkey.credential_id == raw_id))
    if passkey is None:
        raise PasskeyRefused(N_("Deze passkey kennen we niet (meer)."))
    if user_id is not None and user_id != passkey.person_id.bytes:
        raise PasskeyRefused
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=_unb64(str(pending["challenge"])),
            expected_rp_id=settings.rp_id,
            expected_origin=settings.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise PasskeyRefused from exc
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    person = await db.get(Person, passkey.person_id)
    if person is None:
        raise PasskeyRefused
    if person.deactivated_at is not None:
        raise PasskeyRefused(N_("Je toegang tot Ons Plan is uitgezet. Vraag de beheerder van je gemeente om hulp."))
    return person


def parse_json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except ValueError as exc:
        raise PasskeyRefused from exc
    if not isinstance(value, dict):
        raise PasskeyRefused
    return value
