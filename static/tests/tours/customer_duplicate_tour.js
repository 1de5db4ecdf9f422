/** @odoo-module **/

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("customer_classification_duplicate_tour", {
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
                ".o_menu_sections [data-menu-xmlid='customer_classification.customer_classification_menu_data_quality']",
            content: "Open the Data Quality menu",
            run: "click",
        },
        {
            trigger:
                ".o-dropdown-item[data-menu-xmlid='customer_classification.customer_duplicate_menu']",
            content: "Open the possible duplicates",
            run: "click",
        },
        {
            trigger:
                ".o_data_row:contains('Tour Duplicate Trading'):contains('Same phone') button[name=action_merge]",
            content: "Merge the pair from the list",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=dst_partner_id] input",
            content: "The customer with a code is proposed as the one to keep",
            run() {
                if (!this.anchor.value.includes("Tour Duplicate Trading Co., Ltd.")) {
                    throw new Error(`Unexpected survivor: ${this.anchor.value}`);
                }
            },
        },
        {
            trigger: ".modal button[name=action_merge]",
            content: "Merge",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=customer_code]:contains('TOURDUP-A')",
            content: "The survivor opens, its code kept",
        },
        stepUtils.showAppsMenuItem(),
        {
            trigger: ".o_app[data-menu-xmlid='contacts.menu_contacts']",
            content: "Open Contacts",
            run: "click",
        },
        {
            trigger: ".o_searchview_input",
            content: "Search the merged customer's old code",
            run: "edit TOURDUP-B",
        },
        {
            trigger:
                ".o_searchview_autocomplete .o_menu_item:contains('Customer Code')",
            run: "click",
        },
        {
            trigger: ".o_searchview .o_facet_value:contains('TOURDUP-B')",
        },
        {
            trigger: ".o_kanban_record:contains('Tour Duplicate Trading Co., Ltd.')",
            content: "The old code finds the survivor",
        },
    ],
});
