/** @odoo-module **/

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const APP =
    ".o_app[data-menu-xmlid='customer_classification.customer_classification_menu_root']";
const column = (name) => `.o_kanban_group:has(.o_column_title:contains('${name}'))`;

/* A manager drags a customer to another class, gives the reason, and finds it on the form. */
registry.category("web_tour.tours").add("customer_classification_board_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {trigger: APP, content: "Open the Customer Classification app", run: "click"},
        {
            trigger: `.o_customer_class_kanban ${column("Strategic")}`,
            content: "Every class is a column of the board",
        },
        {
            trigger: `.o_customer_class_kanban ${column("Optimization")}`,
        },
        {
            trigger: `.o_kanban_record:contains('Qingdao Coastal Brewery')`,
            content: "Drag a customer to the Strategic column...",
            run: `drag_and_drop ${column("Strategic")}`,
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            content: "...the Override wizard asks why...",
        },
        {
            trigger: ".modal .modal-footer button:contains('Cancel')",
            content: "...cancel it",
            run: "click",
        },
        {
            trigger: `body:not(:has(.modal)) ${column("Strategic")}:not(:has(.o_kanban_record:contains('Qingdao Coastal Brewery')))`,
            content: "Cancelled: the card stays where it was",
        },
        {
            trigger: `.o_kanban_record:contains('Qingdao Coastal Brewery')`,
            content: "Drag it again",
            run: `drag_and_drop ${column("Strategic")}`,
        },
        {
            trigger: ".modal .o_field_widget[name=class_id] input:value(Strategic)",
            content: "The Override wizard opens with the class of the column",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Signed a five-year framework agreement",
        },
        {trigger: ".modal button[name=action_apply]", run: "click"},
        {
            trigger: `body:not(:has(.modal)) ${column("Strategic")} .o_kanban_record:contains('Qingdao Coastal Brewery')`,
            content: "The card is now in the Strategic column",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Classification')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=customer_class_id]:contains('Strategic')",
            content: "The form shows the new class",
        },
        {
            trigger:
                ".o_field_widget[name=classification_history_ids] .o_data_row:contains('Signed a five-year framework agreement')",
            content: "The history says who changed it and why",
        },
    ],
});

/* An administrator sees the weights that do not total 100, fixes them and saves. */
registry.category("web_tour.tours").add("customer_classification_weights_tour", {
    url: "/odoo/action-customer_classification.customer_dimension_action",
    steps: () => [
        {
            trigger:
                ".o_list_view .o_data_row:contains('Value contribution') td[name=name]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=weight] input",
            run: "edit 50 && click body",
        },
        {
            trigger: ".o_form_view .o_customer_weight_notice:contains('total 90 %')",
            content: "The form says the weights no longer total 100",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=weight] input",
            run: "edit 60 && click body",
        },
        {
            trigger: ".o_form_view:not(:has(.o_customer_weight_notice:visible))",
            content: "Back to 100: the notice goes away",
        },
        {trigger: ".o_form_button_save", run: "click"},
        {trigger: ".o_form_view .o_form_saved"},
    ],
});

/* A sales user logs a complaint from the customer's form. */
registry.category("web_tour.tours").add("customer_classification_complaint_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {trigger: APP, run: "click"},
        {trigger: ".o_kanban_record:contains('Wuhan Steel Components')", run: "click"},
        {
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Classification')",
            run: "click",
        },
        {
            trigger:
                "button[name=action_log_tracking_record]:contains('Log a Complaint')",
            run: "click",
        },
        {
            trigger:
                ".modal .o_field_widget[name=record_type] select:has(option:selected:contains('Complaint'))",
            content: "The record is a complaint",
        },
        {
            trigger: ".modal .o_field_widget[name=summary] textarea",
            run: "edit Rusty bolts in the last delivery",
        },
        {trigger: ".modal .o_form_button_save", run: "click"},
        {
            trigger:
                "body:not(:has(.modal)) .o_field_widget[name=tracking_record_ids] .o_data_row:contains('Rusty bolts in the last delivery')",
            content: "The complaint is listed on the customer",
        },
    ],
});
