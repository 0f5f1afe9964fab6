"""19.0.1.2.0: stored messages become a code and parameters, shown in the reader's language.

- res.company's connection status: the English sentence of billy_connection_message becomes a
  code and its parameters (billy_connection_code, billy_connection_params);
  billy_connection_message is computed now, its column goes.
- A sync log's and its lines' messages: a message stored before as text (the `message`
  column, left in place) becomes a text message, shown as it was written.
"""

from odoo.addons.billy_connector.sync.messages import adopt_legacy_messages


def migrate(cr, version):
    if not version:
        return
    _adopt_connection_status(cr)
    for table in ("billy_sync_log", "billy_sync_log_line"):
        adopt_legacy_messages(cr, table)


def _adopt_connection_status(cr):
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'res_company' AND column_name = 'billy_connection_message'
        """
    )
    if not cr.fetchone():
        return
    # a failure's sentence was Billy's (English): it stays as it was, as Billy's words
    cr.execute(
        """
        UPDATE res_company
           SET billy_connection_code = CASE
                   WHEN billy_connection_state = 'ok' THEN 'connected'
                   WHEN billy_connection_state = 'failed' THEN 'billy_error'
                   WHEN billy_connection_message IS NOT NULL THEN 'no_key'
               END,
               billy_connection_params = CASE
                   WHEN billy_connection_state = 'ok'
                       THEN jsonb_build_object('organization', billy_organization_name)
                   WHEN billy_connection_state = 'failed'
                       THEN jsonb_build_object('text', billy_connection_message)
               END
         WHERE billy_connection_code IS NULL
        """
    )
    cr.execute("ALTER TABLE res_company DROP COLUMN billy_connection_message")
