"""19.0.1.2.0: a sync log's and its lines' messages are a code and parameters, shown in the
reader's language. A message stored before as text (the `message` column, left in place)
becomes a text message, shown as it was written."""

from odoo.addons.billy_connector.sync.messages import adopt_legacy_messages


def migrate(cr, version):
    if not version:
        return
    for table in ("billy_sync_log", "billy_sync_log_line"):
        adopt_legacy_messages(cr, table)
