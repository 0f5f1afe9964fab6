"""Judge the log of installing billy_connector or billy_connector_queue: every ERROR and
CRITICAL, and every WARNING about billy_connector, billy_connector_queue or billy_api (anything
that names "billy"), fails it. Odoo's own warnings (an addons path entry that an
editable install of Odoo leaves, say) are shown, not counted.

    python3 scripts/odoo_log_check.py LOG [REPO]

Exits 1 when a record counts. A record is a log line and the lines after it that do not start
a record (a traceback, a view's context).
"""

import re
import sys

# time, pid, level, database (the test database's name holds "billy": not part of the judging)
RECORD_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) \S+ ")
ABOUT_US = re.compile(r"billy", re.IGNORECASE)


def records(lines):
    record = []
    for line in lines:
        if RECORD_START.match(line) and record:
            yield record
            record = []
        record.append(line)
    if record:
        yield record


def judge(lines, repo=""):
    """(counted, shown): the records that fail the install, Odoo's own warnings."""
    counted, shown = [], []
    for record in records(lines):
        start = RECORD_START.match(record[0])
        level = start["level"] if start else ""
        text = "".join(record)
        # the repository's own path says nothing about the addon (it may hold "billy")
        about = text[start.end() if start else 0 :].replace(repo or "\0", "<repo>")
        if level in ("ERROR", "CRITICAL"):
            counted.append(text)
        elif level == "WARNING":
            (counted if ABOUT_US.search(about) else shown).append(text)
    return counted, shown


def main(argv):
    with open(argv[1], encoding="utf-8", errors="replace") as log:
        counted, shown = judge(log, argv[2] if len(argv) > 2 else "")
    if shown:
        print(f"Odoo's own warnings, not about the Billy addons ({len(shown)}, not counted):")
        print("".join(shown), end="")
    if counted:
        print("".join(counted), end="")
        print(f"!! the install logged {len(counted)} warning(s) or error(s) above")
        return 1
    print("installed with no warning about the Billy addons and no error in the log")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
