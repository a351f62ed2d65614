"""Which interface texts households, their network and volunteers read, and the state of their languages.

Household, network and volunteer pages come in every language of ``server.i18n.HOUSEHOLD_LOCALES``;
professionals' pages in Dutch and English only. A text is for households when at least one place that
uses it is not a professionals-only file (the list below). The test suite uses this to require every
such text in every household language; translators use it to see what is left:

    .venv/bin/python tools/messages.py todo ar          # JSON list of texts without a translation
    .venv/bin/python tools/messages.py fill ar done.json  # put {"text": "vertaling" | [plural forms]} in
"""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE_DIR = ROOT / "server" / "locale"

# Files only professionals see: their workspace, the team, the budget, the gemeente and the admin pages.
PROFESSIONALS_ONLY = re.compile(
    r"^(web/templates/(pages/(admin|budget|team|workspace|gemeente|volunteers)/|pages/evaluation/list\.html"
    r"|partials/(admin/|start_partner|start_team|household_escalation|trajectory_steps))"
    r"|server/(routes/(staff|team|gemeente|budget|escalation|intake|handover|workspace|trajectory|involvement)\.py"
    r"|views/(caseload|team|partner)\.py|domain/(teamwork/|workspace/|budget/|caseload\.py|gemeente\.py)))"
)


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


@cache
def extracted() -> dict[str, tuple[str | tuple[str, ...], frozenset[str]]]:
    """Every text in the code and templates, with the files that use it."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, tuple[str | tuple[str, ...], set[str]]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map):
        if filename.startswith((".venv", "node_modules", "tests", "e2e", "tools")):
            continue
        key = _key(message)
        entry = found.setdefault(key, (message, set()))
        entry[1].add(filename)
    return {key: (message, frozenset(files)) for key, (message, files) in found.items()}


def for_households() -> dict[str, str | tuple[str, ...]]:
    """The texts that appear on at least one page or message a household, network or volunteer reads."""
    return {
        key: message
        for key, (message, files) in extracted().items()
        if any(not PROFESSIONALS_ONLY.match(f) for f in files)
    }


def catalogue(locale: str) -> Catalog:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def is_translated(entry: Message | None) -> bool:
    if entry is None:
        return False
    if isinstance(entry.string, str):
        return bool(entry.string)
    return all(entry.string)


def todo(locale: str) -> list[dict[str, object]]:
    existing = catalogue(locale)
    left = []
    for key, message in sorted(for_households().items()):
        if is_translated(existing.get(key)):
            continue
        files = sorted(extracted()[key][1])
        if isinstance(message, str):
            left.append({"id": message, "files": files})
        else:
            left.append({"id": message[0], "plural": message[1], "forms": existing.num_plurals, "files": files})
    return left


def fill(locale: str, translations: dict[str, str | list[str]]) -> int:
    """Put translations in the catalogue; texts it does not have yet are added. Returns how many."""
    existing = catalogue(locale)
    count = 0
    for key, value in translations.items():
        message = for_households().get(key) or (extracted()[key][0] if key in extracted() else None)
        if message is None:
            continue
        if isinstance(message, str) != isinstance(value, str):
            continue
        if not isinstance(value, str) and len(value) != existing.num_plurals:
            continue
        string = value if isinstance(value, str) else tuple(value)
        entry = existing.get(key)
        # Setting an entry that is there already keeps its old translation (babel merges), so change it.
        if entry is None:
            existing[message] = Message(message, string, flags={"python-format"} if "%(" in key else ())
        else:
            entry.string = string
        count += 1
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("wb") as handle:
        write_po(handle, existing, width=76, no_location=True, sort_output=True)
    return count


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "todo":
        json.dump(todo(argv[1]), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if len(argv) == 3 and argv[0] == "fill":
        data = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        print(f"{fill(argv[1], data)} texts filled in for {argv[1]}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
