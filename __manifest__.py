# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# The README is a hand-written README.md next to the readme/ fragments:
# pylint: disable=missing-readme
{
    "name": "Customer Classification",
    "summary": "Unique customer codes, weighted classification, class strategies "
    "and tracking for every customer",
    "version": "18.0.1.0.0",
    "category": "Sales",
    "website": "https://github.com/customer-classification/customer_classification",
    "author": "Customer Classification maintainers",
    "license": "LGPL-3",
    "application": True,
    "depends": ["contacts", "sale", "sales_team", "mail", "resource"],
    "data": [
        "security/customer_classification_security.xml",
        "security/ir.model.access.csv",
        "security/customer_classification_rules.xml",
        "data/ir_config_parameter_data.xml",
        "data/customer_code_scheme_data.xml",
        "data/mail_activity_type_data.xml",
        "data/customer_classification_standard_data.xml",
        "data/res_partner_industry_data.xml",
        "data/res_country_state_data.xml",
        "data/res_partner_category_data.xml",
        "data/ir_cron_data.xml",
        "wizard/customer_code_assign_wizard_views.xml",
        "wizard/customer_code_recode_wizard_views.xml",
        "wizard/customer_allocation_wizard_views.xml",
        "views/customer_classification_config_views.xml",
        "views/customer_standard_views.xml",
        "views/customer_classification_board_views.xml",
        "views/customer_classification_views.xml",
        "views/customer_code_scheme_views.xml",
        "views/customer_code_history_views.xml",
        "views/res_partner_views.xml",
        "views/customer_strategy_views.xml",
        "views/res_partner_industry_views.xml",
        "views/res_country_state_views.xml",
        "views/res_config_settings_views.xml",
        "views/customer_classification_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "customer_classification/static/src/**/*",
        ],
        "web.assets_tests": [
            "customer_classification/static/tests/tours/**/*",
        ],
    },
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/customer_classification_demo.xml",
        "demo/customer_strategy_demo.xml",
    ],
    "uninstall_hook": "uninstall_hook",
}
