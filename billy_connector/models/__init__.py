from . import billy_link
from . import billy_sync_log
from . import billy_sync_log_line
from . import billy_linked_mixin
from . import res_company
from . import res_config_settings
from . import res_partner
from . import product_template
