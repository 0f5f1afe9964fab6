from . import billy_sync_result
