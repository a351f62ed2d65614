"""The page's own forms, read with the standard library's HTML parser and filled in as a person would.

A test names the page, the form's action and what the person types or chooses. What is sent is what a
browser sends for that form: the form's hidden fields (the CSRF token, a version), the defaults of the
fields the test leaves alone, the clicked submit button, to the form's action with the form's method.

Anything a person could not do in that form fails the test before a request is made: a field the form does
not have (a renamed field), a value that is not among a select's options, a radio's or a submit button's
values, a changed hidden field, more characters than ``maxlength`` allows, a field left out. A test that
sends such a thing on purpose says so with ``hostile=True``; then the values go out as given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient

FORM_CONTENT = "application/x-www-form-urlencoded"
# Input types a browser sends as typed text; anything else of <input> is handled by its own rule.
TEXT_TYPES = frozenset(
    {"text", "search", "tel", "url", "email", "password", "date", "datetime-local", "month", "week", "time"}
    | {"number", "range", "color"}
)
CHOICES = frozenset({"select", "radio", "checkbox", "button"})


@dataclass
class Field:
    """One name in a form as a browser knows it: radio buttons, checkboxes and named submit buttons that
    share a name are one field with several values."""

    name: str
    kind: str  # "hidden", "text" (and the other typed inputs), "textarea", "select", "radio", "checkbox", "button"
    options: list[str] = field(default_factory=list)  # what can be chosen: options, radio/checkbox/button values
    default: list[str] = field(default_factory=list)  # what the browser sends when nobody touches the field
    maxlength: int | None = None
    multiple: bool = False
    first_option: str | None = None  # a single select with nothing selected sends its first option

    def __str__(self) -> str:
        if self.kind in CHOICES:
            return f"{self.name} ({self.kind}: {', '.join(repr(o) for o in self.options)})"
        return f"{self.name} ({self.kind})"


@dataclass
class Button:
    text: str
    name: str = ""
    value: str = ""


@dataclass
class Form:
    action: str
    method: str
    index: int
    hx_post: str | None = None
    enctype: str = FORM_CONTENT
    fields: dict[str, Field] = field(default_factory=dict)
    buttons: list[Button] = field(default_factory=list)
    disabled: set[str] = field(default_factory=set)

    def __str__(self) -> str:
        buttons = ", ".join(repr(b.text) for b in self.buttons) or "no submit button"
        names = ", ".join(name for name, f in self.fields.items() if f.kind != "hidden") or "no visible fields"
        return f"#{self.index} {self.method.upper()} {self.action} [{buttons}] ({names})"

    def value(self, name: str) -> str | None:
        """The value the page put in a field (a hidden version, a prefilled text), or None if it has none."""
        known = self.fields.get(name)
        return known.default[0] if known and known.default else None

    def field(self, name: str) -> Field:
        known = self.fields.get(name)
        assert known is not None, f"the form {self} has no field {name!r}"
        return known

    # ---------------------------------------------------------------------------------------------------

    def fill(
        self, data: Mapping[str, Any] | None = None, *, button: str | None = None, hostile: bool = False
    ) -> list[tuple[str, str]]:
        """The name/value pairs a browser sends after a person fills in ``data`` and clicks ``button`` (the
        text on it; by default the button ``data`` names, or else the first one)."""
        data = dict(data or {})
        problems: list[str] = []
        values: dict[str, list[str]] = {name: list(f.default) for name, f in self.fields.items()}
        clicked = self._clicked(data, button, problems, hostile)
        extra: list[tuple[str, str]] = []
        for name, given in data.items():
            known = self.fields.get(name)
            if known is None:
                why = "is disabled" if name in self.disabled else "does not exist"
                problems.append(f"field {name!r} {why}; the form has: {', '.join(map(str, self.fields.values()))}")
                extra.extend((name, v) for v in _as_list(given))
                continue
            if known.kind == "button":
                continue  # chosen by clicking, above
            chosen, problem = _choose(known, given)
            if problem:
                problems.append(problem)
            values[name] = chosen
        if problems and not hostile:
            raise AssertionError(
                f"no browser can send this with the form {self}:\n- "
                + "\n- ".join(problems)
                + "\n(pass hostile=True if the test sends it on purpose)"
            )
        pairs = [(name, v) for name, vs in values.items() for v in vs]
        if clicked and clicked.name:
            pairs.append((clicked.name, clicked.value))
        return pairs + extra

    def _clicked(self, data: dict[str, Any], text: str | None, problems: list[str], hostile: bool) -> Button | None:
        named = [name for name in data if name in self.fields and self.fields[name].kind == "button"]
        if text is not None:
            assert not named, f"click a button by its text or by {named[0]!r} in the data, not both"
            matching = [b for b in self.buttons if text.lower() in b.text.lower()]
            assert matching, f"the form {self} has no button {text!r}"
            return matching[0]
        if named:
            assert len(named) == 1, f"one click sends one button, not {named}"
            name, value = named[0], data[named[0]]
            matching = [b for b in self.buttons if b.name == name and b.value == str(value)]
            if matching:
                return matching[0]
            options = ", ".join(repr(b.value) for b in self.buttons if b.name == name)
            problems.append(f"no button {name}={value!r}; the buttons send {name} = {options}")
            return Button(text="(forged)", name=name, value=str(value)) if hostile else None
        return self.buttons[0] if self.buttons else None

    def request(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        button: str | None = None,
        hostile: bool = False,
        htmx: bool = False,
    ) -> tuple[str, str, dict[str, Any]]:
        """Method, URL and request arguments for the form as filled in, as a browser (or htmx) sends it."""
        pairs = self.fill(data, button=button, hostile=hostile)
        url, headers = self.action, {}
        if htmx:
            assert self.hx_post, f"the form {self} is not sent by htmx (no hx-post)"
            url, headers = self.hx_post, {"hx-request": "true"}
        if self.method == "get":
            return "GET", f"{url.split('?')[0]}?{urlencode(pairs)}", {"headers": headers}
        assert self.enctype == FORM_CONTENT, f"the form {self} is sent as {self.enctype}, which this reader cannot"
        return "POST", url, {"content": urlencode(pairs), "headers": {"content-type": FORM_CONTENT, **headers}}


def _as_list(given: Any) -> list[str]:
    if isinstance(given, list | tuple | set):
        return [str(v) for v in given]
    return [] if given is None else [str(given)]


def _choose(known: Field, given: Any) -> tuple[list[str], str]:
    """What a person can make a field send, and why not if they cannot."""
    name = known.name
    if known.kind == "checkbox":
        if given is True:
            given = known.options[0] if len(known.options) == 1 else given
        chosen = [] if given in (None, False, "") else _as_list(given)
        wrong = [v for v in chosen if v not in known.options]
        if wrong:
            return chosen, f"checkbox {name!r} has no value {wrong}; its values are {known.options}"
        return chosen, ""
    if given is None:
        return [], f"field {name!r} left out; a browser always sends it"
    chosen = _as_list(given)
    if len(chosen) != 1 and not known.multiple:
        return chosen, f"field {name!r} sent {len(chosen)} times; a browser sends it once"
    if known.kind == "hidden":
        if chosen != known.default:
            return chosen, f"hidden field {name!r} changed from {known.default} to {chosen}"
        return chosen, ""
    if known.kind == "radio":
        if chosen == [""]:
            if known.default:
                return [], f"radio {name!r} has {known.default[0]!r} chosen; a person cannot choose none again"
            return [], ""
        wrong = [v for v in chosen if v not in known.options]
        return chosen, f"radio {name!r} has no value {wrong[0]!r}; its values are {known.options}" if wrong else ""
    if known.kind == "select":
        wrong = [v for v in chosen if v not in known.options]
        return chosen, f"select {name!r} has no option {wrong[0]!r}; its options are {known.options}" if wrong else ""
    too_long = [v for v in chosen if known.maxlength is not None and _length(v) > known.maxlength]
    if too_long:
        return chosen, f"field {name!r} takes at most {known.maxlength} characters, not {_length(too_long[0])}"
    return chosen, ""


def _length(text: str) -> int:
    """Length as ``maxlength`` counts it: in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


class FormReader(HTMLParser):
    """Every <form> of a page, with its fields and submit buttons, as the HTML says them."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.option: dict[str, str] | None = None
        self.textarea: Field | None = None
        self.button: Button | None = None
        self.text: list[str] = []

    def _url(self, value: str | None) -> str:
        parts = urlsplit(urljoin(self.page_url, value or self.page_url))
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def _field(self, name: str, kind: str, attrs: dict[str, str]) -> Field:
        assert self.form is not None
        known = self.form.fields.get(name)
        if known is None:
            maxlength = attrs.get("maxlength", "")
            known = Field(name, kind, maxlength=int(maxlength) if maxlength.isdigit() else None)
            self.form.fields[name] = known
        else:
            assert known.kind == kind, f"the form {self.form} uses {name!r} for a {known.kind} and a {kind}"
        return known

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attrs_list}
        if tag == "form":
            assert self.form is None, f"a form inside the form {self.form}"
            self.form = Form(
                action=self._url(attrs.get("action")),
                method=(attrs.get("method") or "get").lower(),
                index=len(self.forms),
                hx_post=self._url(attrs["hx-post"]) if attrs.get("hx-post") else None,
                enctype=attrs.get("enctype") or FORM_CONTENT,
            )
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = attrs.get("name", "")
        if "disabled" in attrs and tag in ("input", "select", "textarea", "button"):
            self.form.disabled.add(name)
            return
        if tag == "input":
            self._input(name, (attrs.get("type") or "text").lower(), attrs)
        elif tag == "button" and (attrs.get("type") or "submit").lower() == "submit":
            self.button = Button(text="", name=name, value=attrs.get("value", ""))
            self.form.buttons.append(self.button)
            if name:
                self._field(name, "button", attrs).options.append(self.button.value)
            self.text = []
        elif tag == "select" and name:
            self.select = self._field(name, "select", attrs)
            self.select.multiple = "multiple" in attrs
        elif tag == "option" and self.select is not None:
            self.option = attrs
            self.text = []
        elif tag == "textarea" and name:
            self.textarea = self._field(name, "textarea", attrs)
            self.text = []

    def _input(self, name: str, kind: str, attrs: dict[str, str]) -> None:
        assert self.form is not None
        value = attrs.get("value", "")
        if kind in ("submit", "image"):
            self.form.buttons.append(Button(text=value, name=name, value=value))
            if name:
                self._field(name, "button", attrs).options.append(value)
        elif not name or kind in ("reset", "button", "file"):
            return
        elif kind in ("radio", "checkbox"):
            choice = self._field(name, kind, attrs)
            choice.options.append(value or "on")
            if "checked" in attrs:
                choice.default.append(value or "on")
        elif kind == "hidden":
            self._field(name, "hidden", attrs).default.append(value)
        else:
            self._field(name, kind if kind in TEXT_TYPES else "text", attrs).default.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None:
            if not self.select.default and not self.select.multiple and self.select.first_option is not None:
                self.select.default.append(self.select.first_option)
            self.select = None
        elif tag == "option" and self.select is not None and self.option is not None:
            # An option without a value attribute sends its text.
            value = self.option.get("value", " ".join("".join(self.text).split()))
            if "disabled" not in self.option:
                self.select.options.append(value)
                if self.select.first_option is None:
                    self.select.first_option = value
                if "selected" in self.option:
                    if not self.select.multiple:
                        self.select.default.clear()
                    self.select.default.append(value)
            self.option = None
        elif tag == "textarea" and self.textarea is not None:
            self.textarea.default.append("".join(self.text).removeprefix("\n"))
            self.textarea = None
        elif tag == "button" and self.button is not None:
            self.button.text = " ".join("".join(self.text).split())
            self.button = None


def forms_on(html: str, page_url: str) -> list[Form]:
    reader = FormReader(page_url)
    reader.feed(html)
    reader.close()
    return reader.forms


def page_of(page: httpx.Response) -> tuple[str, str]:
    return page.text, str(page.url)


def find_form(
    page: httpx.Response, action: str | None = None, *, button: str | None = None, index: int | None = None
) -> Form:
    """The form on ``page`` whose action is ``action``; among several, the one with a submit button that
    says ``button``, or the ``index``-th (counted among those that match)."""
    html, url = page_of(page)
    forms = forms_on(html, url)
    wanted = urlsplit(urljoin(url, action)) if action is not None else None
    found = [
        f for f in forms if wanted is None or f.action == wanted.path + (f"?{wanted.query}" if wanted.query else "")
    ]
    if button is not None:
        found = [f for f in found if any(button.lower() in b.text.lower() for b in f.buttons)]
    listing = "\n".join(f"  {f}" for f in forms) or "  (none)"
    what = " and ".join(
        part for part in (f"action {action}" if action else "", f"a button {button!r}" if button else "") if part
    )
    assert found, f"the page {url} has no form with {what or 'anything'}; its forms are:\n{listing}"
    if index is not None:
        assert index < len(found), f"the page {url} has {len(found)} forms with {what}, not {index + 1}"
        return found[index]
    assert len(found) == 1, f"the page {url} has {len(found)} forms with {what}; say which:\n{listing}"
    return found[0]


async def open_form(
    client: AsyncTestClient[Litestar], page: str | httpx.Response, action: str | None = None, **select: Any
) -> Form:
    """Open ``page`` (or take a page already open) and find the form on it."""
    if isinstance(page, str):
        opened = await client.get(page)
        assert opened.status_code == 200, f"{page} answered {opened.status_code}: {opened.text}"
        page = opened
    return find_form(page, action, **select)


async def send(
    client: AsyncTestClient[Litestar],
    form: Form,
    data: Mapping[str, Any] | None = None,
    *,
    button: str | None = None,
    hostile: bool = False,
    htmx: bool = False,
    **kwargs: Any,
) -> httpx.Response:
    method, url, arguments = form.request(data, button=button, hostile=hostile, htmx=htmx)
    headers = {**arguments.pop("headers"), **kwargs.pop("headers", {})}
    kwargs.setdefault("follow_redirects", False)
    return await client.request(method, url, headers=headers, **arguments, **kwargs)


async def submit_form(
    client: AsyncTestClient[Litestar],
    page: str | httpx.Response,
    action: str | None = None,
    data: Mapping[str, Any] | None = None,
    *,
    button: str | None = None,
    index: int | None = None,
    hostile: bool = False,
    htmx: bool = False,
    **kwargs: Any,
) -> httpx.Response:
    """Open the page, find the form with ``action`` (and the ``button`` to click, or the ``index``-th), fill in
    ``data`` and send it as a browser would."""
    form = await open_form(client, page, action, button=button, index=index)
    return await send(client, form, data, button=button, hostile=hostile, htmx=htmx, **kwargs)


def csrf_token(html: str, page_url: str = "http://testserver.local/") -> str:
    """The CSRF token of the page's forms, for a test that builds a request no form on the page would."""
    tokens: Iterable[str] = (f.value("_csrf_token") or "" for f in forms_on(html, page_url))
    token = next((t for t in tokens if t), "")
    assert token, "the page has no form with a CSRF token"
    return token
