/** @odoo-module **/

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const APP =
    ".o_app[data-menu-xmlid='customer_classification.customer_classification_menu_root']";
const MENU = (xmlid) => `a[data-menu-xmlid='customer_classification.${xmlid}']`;

/* A manager allocates the unassigned customers: preview first, then apply. */
registry.category("web_tour.tours").add("customer_classification_allocation_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {trigger: APP, content: "Open the Customer Classification app", run: "click"},
        {
            trigger:
                "button[data-menu-xmlid='customer_classification.customer_classification_menu_allocation']",
            content: "Open the Allocation menu",
            run: "click",
        },
        {
            trigger: MENU("customer_allocation_wizard_menu"),
            content: "Allocate customers",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=target] select",
            content: "Only the customers nobody owns",
            run: "selectByLabel Unassigned customers",
        },
        {trigger: ".modal button[name=action_preview]", run: "click"},
        {
            trigger:
                ".modal .o_field_widget[name=changed_line_ids] .o_data_row:contains('Hefei New Energy Materials'):contains('Least loaded')",
            content: "The preview proposes a salesperson for each, and says why",
        },
        {
            trigger: ".modal a.nav-link:contains('Loads')",
            content: "Read the loads against capacities",
            run: "click",
        },
        {
            trigger:
                ".modal .o_field_widget[name=load_ids] .o_data_row:contains('Li Wei')",
        },
        {trigger: ".modal button[name=action_apply]", run: "click"},
        {
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=state] .o_arrow_button_current:contains('Applied')",
            content: "The allocation is applied and logged",
        },
        {
            trigger:
                ".o_field_widget[name=line_ids] .o_data_row:contains('Hefei New Energy Materials')",
        },
    ],
});

/* A salesperson opens their follow-ups and marks a visit done: the next one appears. */
registry.category("web_tour.tours").add("customer_classification_followup_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {trigger: APP, run: "click"},
        {
            trigger:
                "button[data-menu-xmlid='customer_classification.customer_classification_menu_customers']",
            run: "click",
        },
        {
            trigger: MENU("mail_activity_menu_customer_followup"),
            content: "Open the follow-ups",
            run: "click",
        },
        {
            trigger: ".o_searchview .o_facet_value:contains('My Follow-ups')",
            content: "Only my follow-ups are listed",
        },
        {
            trigger:
                ".o_data_row:contains('Beijing Precision Machinery'):contains('Quarterly visit') button[name=action_done]",
            content: "Mark the visit done",
            run: "click",
        },
        {
            trigger:
                ".o_data_row:contains('Beijing Precision Machinery'):contains('Quarterly visit'):contains('Customer Visit')",
            content: "The next visit is planned",
        },
    ],
});
