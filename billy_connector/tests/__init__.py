from . import test_settings
from . import test_push
from . import test_pull
from . import test_matching
from . import test_both_ways
from . import test_reliability
from . import test_security
