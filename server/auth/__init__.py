"""Sign-in: passkeys (WebAuthn), enrolment links, server-side sessions, rate limits."""
