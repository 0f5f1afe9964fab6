# Copyright 2026 billy_connector authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Billy Connector: Job Queue",
    "summary": "Run Billy's bulk and automatic syncs as queue_job jobs (channel root.billy)",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/billy-connector/billy_connector",
    "author": "billy_connector authors",
    "license": "LGPL-3",
    "depends": ["billy_connector", "queue_job"],
    "data": [
        "data/queue_job_data.xml",
        "views/billy_dashboard_views.xml",
    ],
    "auto_install": True,
}
