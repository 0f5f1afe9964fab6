# Copyright 2026 billy_connector authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Billy Connector",
    "summary": "Keep partners, products and invoices in step with Billy (billy.dk)",
    "version": "19.0.1.2.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/billy-connector/billy_connector",
    "author": "billy_connector authors",
    "license": "LGPL-3",
    "depends": ["account"],
    "external_dependencies": {"python": ["billy-api"]},
    "data": [
        "security/billy_connector_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron.xml",
        "views/billy_sync_log_views.xml",
        "views/billy_link_views.xml",
        "views/billy_match_review_views.xml",
        "views/billy_tax_map_views.xml",
        "views/account_move_views.xml",
        "views/billy_field_mapping_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/product_template_views.xml",
        "wizards/billy_sync_result_views.xml",
        "wizards/billy_sync_preview_views.xml",
        "views/billy_dashboard_views.xml",
        "views/billy_menus.xml",
    ],
    "assets": {
        "web.assets_tests": ["billy_connector/static/tests/tours/*.js"],
    },
}
