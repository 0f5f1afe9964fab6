from . import billy_sync_result
from . import billy_sync_preview
from . import billy_sync_preview_line
from . import billy_dashboard
from . import base_partner_merge_automatic_wizard
