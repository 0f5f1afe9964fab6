#!/usr/bin/env python3
"""Generate each addon's README.rst (billy_connector, billy_connector_queue) from the fragments
in its readme/, in the order and with the section titles of OCA's oca-gen-addon-readme (which
is not on PyPI).

The fragments are Markdown of a small kind: paragraphs, "-" and "1." lists, "##" headings,
**bold**, *italics*, `code` and [links](url). They become RST by converting the inline code,
the links and the headings; lists and emphasis are the same in both.

    python3 scripts/gen_readme.py           write the README.rst files
    python3 scripts/gen_readme.py --check   fail when one is not up to date
"""

import ast
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ADDONS = [REPO / "billy_connector", REPO / "billy_connector_queue"]
SECTIONS = [  # fragment, title (None: no title, before the table of contents)
    ("DESCRIPTION", None),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("DEVELOP", "Development"),
    ("HISTORY", "Changelog"),
]


def title(text, char, over=False):
    line = char * len(text)
    return f"{line}\n{text}\n{line}\n" if over else f"{text}\n{line}\n"


def inline(text):
    text = re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", text)
    return re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"`\1 <\2>`__", text)


def to_rst(markdown):
    out = []
    for line in markdown.strip().splitlines():
        heading = re.match(r"^(#+)\s+(.*)$", line)
        if heading:
            out.append(title(inline(heading[2]), "~" if len(heading[1]) > 2 else "-").rstrip())
        else:
            out.append(inline(line.rstrip()))
    return "\n".join(out) + "\n"


def readme(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    parts = [title(manifest["name"], "=", over=True)]
    for fragment, section in SECTIONS:
        path = addon / "readme" / f"{fragment}.md"
        if not path.exists():
            continue
        if section:
            parts.append(title(section, "="))
        parts.append(to_rst(path.read_text()))
        if fragment == "DESCRIPTION":
            parts.append("**Table of contents**\n\n.. contents::\n   :local:\n")
    parts.append(title("Credits", "="))
    parts.append(title("Authors", "-"))
    parts.append(f"* {manifest['author']}\n")
    contributors = addon / "readme" / "CONTRIBUTORS.md"
    if contributors.exists():
        parts.append(title("Contributors", "-"))
        parts.append(to_rst(contributors.read_text()))
    return "\n".join(parts)


def main():
    for addon in ADDONS:
        text = readme(addon)
        target = addon / "README.rst"
        if "--check" not in sys.argv[1:]:
            target.write_text(text)
        elif target.read_text() != text:
            sys.exit(f"{addon.name}/README.rst is out of date: run scripts/gen_readme.py")


if __name__ == "__main__":
    main()
