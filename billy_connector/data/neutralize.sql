-- a neutralized (copied) database must never talk to the real Billy organization
UPDATE res_company
   SET billy_api_key = NULL,
       billy_sync_mode = 'manual',
       billy_connection_state = 'unknown',
       billy_connection_code = NULL,
       billy_connection_params = NULL,
       billy_connection_checked = NULL;
