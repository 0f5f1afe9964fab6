from . import billy_sync_log
from . import res_company
