/** @odoo-module **/

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("customer_classification_recode_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger:
                ".o_app[data-menu-xmlid='customer_classification.customer_classification_menu_root']",
            content: "Open the Customer Classification app",
            run: "click",
        },
        {
            trigger:
                ".o_kanban_record:contains('Pacific Imports Inc.'):contains('C20')",
            content: "Each customer card shows its code",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=customer_code] span:contains('C')",
            content: "The code is read-only on the form",
        },
        {
            trigger:
                "div[name=customer_code_row] button[name=action_open_customer_code_recode]",
            content: "Re-code the customer",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=mode] input[data-value=new]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=new_code] input",
            run: "edit VIP-TOUR-01",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Key account since the tour",
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_field_widget[name=customer_code]:contains('VIP-TOUR-01')",
            content: "The new code is shown",
        },
        {
            trigger: "button[name=action_view_customer_code_history]",
            content: "Open the code history",
            run: "click",
        },
        {
            trigger:
                ".o_list_view .o_data_row:contains('VIP-TOUR-01'):contains('Key account since the tour')",
            content: "The re-code is in the history, with its reason",
        },
    ],
});
