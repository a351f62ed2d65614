"""A small push service (RFC 8030) on loopback, for tests: it plays the part of a browser's push service and of
the device behind it.

It makes subscriptions as a browser would (a P-256 key pair and a 16-byte auth secret per subscription, an
endpoint ``http://127.0.0.1:<port>/push/<id>``), and accepts a message only as a real push service and device
would:
- the VAPID header (RFC 8292): ``Authorization: vapid t=<JWT>, k=<public key>``, the JWT signed with ES256 by
  the key ``k`` (and ``k`` the application server key the subscription was made with, when given), its ``aud``
  the endpoint's origin, its ``exp`` in the future and at most 24 hours away, its ``sub`` a mailto: or https:
  URL;
- a ``TTL`` header, and ``Content-Encoding: aes128gcm``;
- a body that decrypts (RFC 8291) with the subscription's private key and auth secret.
What it accepts it stores, decrypted, per subscription; what it refuses it answers with 400, 401 or 403 and
notes in ``rejected``. A test can make it answer 404, 410, 429 or 5xx for a subscription, a number of times or
always, to see what the sender does with those answers.

Usable from any test (and from the e2e suite): ``with PushReceiver() as receiver: ...``.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

MAX_VAPID_LIFETIME = 24 * 60 * 60


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Subscription:
    """What ``pushManager.subscribe()`` gives a page, and the keys only the device knows."""

    id: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(repr=False)
    auth_secret: bytes = field(repr=False)
    application_server_key: str | None = None

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def as_json(self) -> dict[str, Any]:
        """The subscription as ``PushSubscription.toJSON()`` gives it to a page."""
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


@dataclass(frozen=True)
class Received:
    """A message the service accepted: the decrypted payload and the headers that came with it."""

    subscription_id: str
    payload: dict[str, Any]
    ttl: int
    vapid_subject: str


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _verify_vapid(header: str, audience: str, expected_key: str | None) -> str:
    """Check the VAPID Authorization header (RFC 8292); returns its ``sub``."""
    scheme, _space, params = header.partition(" ")
    if scheme.lower() != "vapid":
        raise Refused(401, "not a vapid authorization")
    values: dict[str, str] = {}
    for part in params.split(","):
        name, _eq, value = part.strip().partition("=")
        values[name.strip()] = value.strip()
    token, key = values.get("t", ""), values.get("k", "")
    if not token or not key:
        raise Refused(401, "vapid t= or k= missing")
    if expected_key is not None and key != expected_key:
        raise Refused(403, "vapid key is not the application server key of the subscription")
    try:
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        head_b64, claims_b64, signature_b64 = token.split(".")
        head = json.loads(unb64url(head_b64))
        claims = json.loads(unb64url(claims_b64))
        signature = unb64url(signature_b64)
    except ValueError as exc:
        raise Refused(401, f"vapid token unreadable: {exc}") from exc
    if head.get("alg") != "ES256" or len(signature) != 64:
        raise Refused(401, "vapid token is not ES256")
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public_key.verify(der, f"{head_b64}.{claims_b64}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise Refused(401, "vapid signature does not verify") from exc
    if claims.get("aud") != audience:
        raise Refused(401, f"vapid aud {claims.get('aud')!r} is not {audience!r}")
    now = time.time()
    expires = claims.get("exp")
    if not isinstance(expires, int) or expires <= now or expires > now + MAX_VAPID_LIFETIME:
        raise Refused(401, "vapid exp not in the coming 24 hours")
    subject = claims.get("sub", "")
    if not isinstance(subject, str) or not subject.startswith(("mailto:", "https:")):
        raise Refused(401, "vapid sub is not a mailto: or https: URL")
    return subject


class PushReceiver:
    """The push service and its devices. Start with ``with PushReceiver() as receiver`` (or ``start()``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._subscriptions: dict[str, Subscription] = {}
        self._received: dict[str, list[Received]] = defaultdict(list)
        self._scripted: dict[str, deque[tuple[int, int | None]]] = defaultdict(deque)
        self._always: dict[str, tuple[int, int | None]] = {}
        self.attempts: dict[str, int] = defaultdict(int)
        # While held, messages wait at the door; on release they are taken, or dropped (503) as by a service
        # that went down before it took them.
        self._open = threading.Event()
        self._open.set()
        self._take_held = True
        self.waiting = 0
        self.rejected: list[tuple[str, str]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> PushReceiver:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="push-receiver", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        self._open.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> PushReceiver:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- what a test does -------------------------------------------------------------------------------

    def subscribe(self, application_server_key: str | None = None) -> Subscription:
        """A new subscription, as a browser makes one; with ``application_server_key`` (the server's VAPID
        public key) only messages signed with that key are accepted."""
        with self._lock:
            sub_id = f"s{next(self._ids)}"
            subscription = Subscription(
                id=sub_id,
                endpoint=f"{self.origin}/push/{sub_id}",
                private_key=ec.generate_private_key(ec.SECP256R1()),
                auth_secret=os.urandom(16),
                application_server_key=application_server_key,
            )
            self._subscriptions[sub_id] = subscription
            return subscription

    def answer(
        self, subscription: Subscription, status: int, *, times: int | None = 1, retry_after: int | None = None
    ) -> None:
        """Answer ``status`` for this subscription, the next ``times`` messages (``None``: from now on), once
        their headers are checked, instead of taking them."""
        with self._lock:
            if times is None:
                self._always[subscription.id] = (status, retry_after)
            else:
                self._scripted[subscription.id].extend([(status, retry_after)] * times)

    def accept_again(self, subscription: Subscription) -> None:
        with self._lock:
            self._always.pop(subscription.id, None)
            self._scripted[subscription.id].clear()

    def hold(self) -> None:
        """Keep the messages that come in waiting, unanswered, until ``release``."""
        with self._lock:
            self._take_held = True
            self._open.clear()

    def release(self, *, take: bool = True) -> None:
        """Let the waiting messages through: taken, or (``take=False``) answered 503 and not stored."""
        with self._lock:
            self._take_held = take
            self._open.set()

    def received(self, subscription: Subscription) -> list[Received]:
        with self._lock:
            return list(self._received[subscription.id])

    def payloads(self, subscription: Subscription) -> list[dict[str, Any]]:
        return [message.payload for message in self.received(subscription)]

    def all_received(self) -> list[Received]:
        with self._lock:
            return [message for messages in self._received.values() for message in messages]

    # --- the service ------------------------------------------------------------------------------------

    def _accept(self, sub_id: str, headers: Any, body: bytes) -> tuple[int, dict[str, str]]:
        if not self._open.is_set():
            with self._lock:
                self.waiting += 1
            self._open.wait()
            with self._lock:
                self.waiting -= 1
                taken = self._take_held
            if not taken:
                return 503, {}
        with self._lock:
            subscription = self._subscriptions.get(sub_id)
            self.attempts[sub_id] += 1
            scripted = self._scripted[sub_id].popleft() if self._scripted[sub_id] else self._always.get(sub_id)
        if subscription is None:
            return 404, {}
        try:
            subject = _verify_vapid(headers.get("Authorization", ""), self.origin, subscription.application_server_key)
            ttl = headers.get("TTL")
            if ttl is None or not ttl.isdigit():
                raise Refused(400, "TTL header missing")
            if headers.get("Content-Encoding", "").lower() != "aes128gcm":
                raise Refused(400, "Content-Encoding is not aes128gcm")
            if scripted is not None:
                status, retry_after = scripted
                return status, ({"Retry-After": str(retry_after)} if retry_after is not None else {})
            try:
                plain = http_ece.decrypt(
                    body,
                    private_key=subscription.private_key,
                    auth_secret=subscription.auth_secret,
                    version="aes128gcm",
                )
                payload = json.loads(plain)
            except (http_ece.ECEException, ValueError) as exc:
                raise Refused(400, f"body does not decrypt: {exc}") from exc
        except Refused as refused:
            with self._lock:
                self.rejected.append((sub_id, refused.reason))
            return refused.status, {}
        with self._lock:
            self._received[sub_id].append(Received(sub_id, payload, int(ttl), subject))
        return 201, {"Location": f"{self.origin}/message/{sub_id}-{len(self._received[sub_id])}"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                path = self.path.split("?", 1)[0]
                if path.startswith("/push/"):
                    status, extra = receiver._accept(path.removeprefix("/push/"), self.headers, body)
                else:
                    status, extra = 404, {}
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
