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

/* An administrator makes a new version of the standard, moves weight from value to risk
   in one edit (the draft says what is wrong meanwhile), previews who would move, opens one
   cell of the migration matrix and activates the version. */
const dimensionWeight = (name) =>
    `.o_field_widget[name=dimension_ids] .o_data_row:contains('${name}') td[name=weight]`;
// the row being edited shows its name in an input, out of reach of :contains()
const selectedWeight =
    ".o_field_widget[name=dimension_ids] .o_selected_row td[name=weight] input";
registry.category("web_tour.tours").add("customer_classification_standard_tour", {
    url: "/odoo/action-customer_classification.customer_standard_action",
    steps: () => [
        {
            trigger:
                ".o_list_view .o_data_row:has(.badge:contains('Active')) td[name=name]",
            content: "Open the standard in force",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_new_version]",
            content: "Changes go through a new version",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Draft')",
        },
        {trigger: dimensionWeight("Value contribution"), run: "click"},
        {trigger: selectedWeight, run: "edit 50"},
        {trigger: dimensionWeight("Industry risk"), run: "click"},
        {
            trigger: ".o_form_view .o_customer_standard_problems:contains('not 90 %')",
            content: "While the weights total 90 %, the draft says so",
        },
        {trigger: selectedWeight, run: "edit 20"},
        {trigger: dimensionWeight("Cooperation stability"), run: "click"},
        {
            trigger: ".o_form_view:not(:has(.o_customer_standard_problems:visible))",
            content: "Back to 100 %: nothing left to fix",
        },
        {trigger: ".o_form_button_save", run: "click"},
        {trigger: ".o_form_view .o_form_saved"},
        {
            trigger: ".o_form_view button[name=action_preview]",
            content: "Preview who would move before activating",
            run: "click",
        },
        {
            trigger:
                ".o_field_widget[name=line_ids] .o_data_row:contains('Strategic'):contains('Strategic') button[name=action_open_partners]",
            content: "Open one cell of the migration matrix",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Shanghai Oriental Trading')",
            content: "Its customers, with their scores now and after",
        },
        {
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Preview of')",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_activate]",
            content: "Activate the draft",
            run: "click",
        },
        {trigger: ".modal-footer .btn-primary", run: "click"},
        {
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Active')",
            content: "The new version is in force",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=run_queued]:contains('Configuration change')",
            content: "Every customer is re-evaluated with it at the next run",
        },
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

/* A Manager rejects a proposal of the engine, and says why (review mode). */
registry.category("web_tour.tours").add("customer_classification_reject_tour", {
    url: "/odoo/action-customer_classification.customer_classification_action_review",
    steps: () => [
        {
            trigger:
                ".o_kanban_record:contains('Tour Proposal Ltd') button[name=action_reject_proposal]",
            content: "Reject the engine's proposal",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            content: "Say why",
            run: "edit A one-off order: not growing",
        },
        {trigger: ".modal button[name=action_reject]", run: "click"},
        {
            trigger:
                "body:not(:has(.modal)) .o_kanban_view:not(:has(.o_kanban_record:contains('Tour Proposal Ltd')))",
            content: "Nothing waits for a decision on it any more",
        },
    ],
});
