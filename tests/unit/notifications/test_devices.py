"""The rules for a device with push on: which subscriptions the server will send to, and the name the person
sees for each device."""

from __future__ import annotations

import base64
import secrets

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from server.domain.errors import InvalidInput
from server.domain.notifications.service import SubscriptionInput, device_of, validate_subscription
from server.views.notifications import device_label


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def point() -> str:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return b64url(key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def subscription(endpoint: str = "https://fcm.googleapis.com/fcm/send/abc", **keys: str) -> SubscriptionInput:
    return SubscriptionInput(
        endpoint=endpoint,
        p256dh=keys.get("p256dh", point()),
        auth=keys.get("auth", b64url(secrets.token_bytes(16))),
    )


def refused_fields(data: SubscriptionInput, *, allow_loopback_http: bool = False) -> set[str]:
    with pytest.raises(InvalidInput) as refused:
        validate_subscription(data, allow_loopback_http=allow_loopback_http)
    return set(refused.value.errors)


def test_a_browser_subscription_is_accepted_as_given() -> None:
    data = subscription()
    assert validate_subscription(data, allow_loopback_http=False) == (data.endpoint, data.p256dh, data.auth)
    # Padding, as some browsers send it, is fine too.
    padded = subscription(auth=base64.urlsafe_b64encode(secrets.token_bytes(16)).decode())
    validate_subscription(padded, allow_loopback_http=False)


@pytest.mark.parametrize(
    "endpoint",
    [
        "",
        "http://push.example.net/x",
        "ftp://push.example.net/x",
        "javascript:alert(1)",
        "https://",
        "https://user:secret@push.example.net/x",
        "https://push.example.net:notaport/x",
        "https://push.example.net/a b",
        "https://push.example.net/" + "x" * 1000,
    ],
)
def test_only_an_https_push_service_is_sent_to(endpoint: str) -> None:
    assert refused_fields(subscription(endpoint)) == {"endpoint"}


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_plain_http_on_loopback_only_where_the_settings_allow_it(host: str) -> None:
    local = subscription(f"http://{host}:8765/push/abc")
    validate_subscription(local, allow_loopback_http=True)
    assert refused_fields(local, allow_loopback_http=False) == {"endpoint"}
    # Never plain http to anywhere else, whatever the settings.
    assert refused_fields(subscription("http://10.0.0.5/push"), allow_loopback_http=True) == {"endpoint"}


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc:def",
        "https://fcm.googleapis.com/wp/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/QAbc",
        "https://wns2-par02p.notify.windows.com/w/?token=abc",
        "https://FCM.googleapis.com./fcm/send/abc",
    ],
)
def test_the_browsers_push_services_are_sent_to(endpoint: str) -> None:
    validate_subscription(subscription(endpoint), allow_loopback_http=False, push_services_only=True)


@pytest.mark.parametrize(
    "endpoint",
    [
        # Hosts inside the network Ons Plan runs in, or anyone's own server: the server would POST there.
        "https://10.0.0.5/push",
        "https://127.0.0.1/push",
        "https://localhost/push",
        "https://[::1]/push",
        "https://169.254.169.254/latest",
        "https://db.internal:5432/",
        "https://push.example.net/send/abc",
        # Look-alikes of a push service, and a push service on another port.
        "https://fcm.googleapis.com.example.net/fcm/send/abc",
        "https://evilfcm.googleapis.com.example.net/x",
        "https://notfcm.googleapis.com/x",
        "https://push.apple.com.example.net/x",
        "https://fcm.googleapis.com:8443/fcm/send/abc",
    ],
)
def test_in_production_nothing_but_a_push_service_is_sent_to(endpoint: str) -> None:
    assert refused_fields(subscription(endpoint)) == {"endpoint"}
    # Outside production (development, the test suite) any https host will do.
    validate_subscription(subscription(endpoint), allow_loopback_http=True, push_services_only=False)


@pytest.mark.parametrize(
    ("p256dh", "auth", "wrong"),
    [
        ("B" * 87, None, {"p256dh"}),  # 65 bytes, no point on the curve
        (b64url(b"\x04" + b"\x01" * 64), None, {"p256dh"}),
        (b64url(secrets.token_bytes(33)), None, {"p256dh"}),  # a compressed point
        ("not base64!", None, {"p256dh"}),
        (None, b64url(secrets.token_bytes(15)), {"auth"}),
        (None, b64url(secrets.token_bytes(32)), {"auth"}),
        (None, "", {"auth"}),
        ("", "", {"p256dh", "auth"}),
    ],
)
def test_the_keys_must_be_a_p256_point_and_a_16_byte_secret(
    p256dh: str | None, auth: str | None, wrong: set[str]
) -> None:
    keys = {k: v for k, v in (("p256dh", p256dh), ("auth", auth)) if v is not None}
    assert refused_fields(subscription(**keys)) == wrong


@pytest.mark.parametrize(
    ("agent", "stored", "shown"),
    [
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile "
            "Safari/537.36",
            "Chrome/Android",
            "Chrome op Android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari/iPhone",
            "Safari op iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
            "Safari/537.36 Edg/131.0.0.0",
            "Edge/Windows",
            "Edge op Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox/Mac",
            "Firefox op Mac",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 "
            "Chrome/122.0.0.0 Mobile Safari/537.36",
            "Samsung Internet/Android",
            "Samsung Internet op Android",
        ),
        ("curl/8.5", "/", "Onbekend apparaat"),
        ("", "/", "Onbekend apparaat"),
    ],
)
def test_the_device_is_named_by_browser_and_system(agent: str, stored: str, shown: str) -> None:
    assert device_of(agent) == stored
    assert device_label(stored) == shown
