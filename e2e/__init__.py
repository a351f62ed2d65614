"""End-to-end tests: a live ``onsplan`` server driven by a real Chromium (see ``e2e/conftest.py``)."""
