"""res.company's connection status: the English sentence of billy_connection_message becomes a
code and its parameters (billy_connection_code, billy_connection_params), rendered in the
reader's language; billy_connection_message is computed now, its column goes."""


def migrate(cr, version):
    if not version:
        return
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
