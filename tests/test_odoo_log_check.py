"""scripts/odoo_log_check.py: which records of an install log fail the test command."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "odoo_log_check.py"
spec = importlib.util.spec_from_file_location("odoo_log_check", SCRIPT)
odoo_log_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(odoo_log_check)

STAMP = "2026-12-01 20:05:33,123 4242"


def line(level, logger, message):
    return f"{STAMP} {level} billy_test_1 {logger}: {message}\n"


def test_odoo_own_warning_is_shown_not_counted():
    log = [
        line(
            "WARNING",
            "odoo.modules.module",
            "addons path is not a directory: __editable__.odoo-19.0.finder.__path_hook__",
        )
    ]
    counted, shown = odoo_log_check.judge(log)
    assert counted == []
    assert len(shown) == 1


def test_warning_about_the_addon_counts_even_from_an_odoo_logger():
    log = [
        line("WARNING", "odoo.modules.module", "python external dependency on 'billy_api' ..."),
        line("WARNING", "odoo.fields", "Field billy.link.state: unknown parameter 'tracking'"),
        line("WARNING", "odoo.addons.billy_connector.models.x", "something"),
    ]
    counted, shown = odoo_log_check.judge(log)
    assert len(counted) == 3
    assert shown == []


def test_warning_about_the_glue_module_counts_and_queue_job_own_is_shown():
    log = [
        line("WARNING", "odoo.addons.billy_connector_queue.models.res_company", "something"),
        line("WARNING", "odoo.modules.loading", "The model queue.job has no access rules ..."),
    ]
    counted, shown = odoo_log_check.judge(log)
    assert [record.split()[5] for record in counted] == [
        "odoo.addons.billy_connector_queue.models.res_company:"
    ]
    assert len(shown) == 1


def test_every_error_counts_and_keeps_its_traceback():
    log = [
        line("INFO", "odoo.modules.loading", "loading 1 modules..."),
        line("ERROR", "odoo.sql_db", "bad query"),
        "Traceback (most recent call last):\n",
        '  File "x.py", line 1\n',
        line("CRITICAL", "odoo.service.server", "Failed to initialize database"),
    ]
    counted, shown = odoo_log_check.judge(log)
    assert [record.splitlines()[0].split()[3] for record in counted] == ["ERROR", "CRITICAL"]
    assert "Traceback" in counted[0]
    assert shown == []


def test_a_warning_naming_only_the_repository_folder_is_odoo_own():
    repo = "/home/me/billy_connector"
    log = [line("WARNING", "odoo.modules.module", f"addons path is not a directory: {repo}/x")]
    assert odoo_log_check.judge(log, repo) == ([], log)
    # the addon's own files inside the repository still count
    log = [line("WARNING", "odoo.tools.convert", f"{repo}/billy_connector/views/a.xml: bad")]
    counted, _shown = odoo_log_check.judge(log, repo)
    assert len(counted) == 1


def test_main_fails_only_on_counted_records(tmp_path, capsys):
    log = tmp_path / "install.log"
    log.write_text(line("WARNING", "odoo.modules.module", "addons path is not a directory: x"))
    assert odoo_log_check.main(["odoo_log_check.py", str(log)]) == 0
    log.write_text(line("ERROR", "odoo.modules.registry", "Failed to load registry"))
    assert odoo_log_check.main(["odoo_log_check.py", str(log)]) == 1
    assert "logged 1 warning(s) or error(s)" in capsys.readouterr().out
