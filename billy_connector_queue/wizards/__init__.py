from . import billy_dashboard
