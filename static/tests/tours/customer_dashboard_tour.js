/** @odoo-module **/

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const APP =
    ".o_app[data-menu-xmlid='customer_classification.customer_classification_menu_root']";
const MENU = (xmlid) => `[data-menu-xmlid='customer_classification.${xmlid}']`;
const panel = (name) => `.o_cc_dashboard_panel[data-panel='${name}']`;

/* A manager opens the dashboard: every panel shows its report, each links to it in full. */
registry.category("web_tour.tours").add("customer_classification_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {trigger: APP, content: "Open the Customer Classification app", run: "click"},
        {
            trigger: MENU("customer_classification_menu_reporting"),
            content: "Open the Reporting menu",
            run: "click",
        },
        {
            trigger: `.dropdown-menu ${MENU("customer_classification_dashboard_menu")}:first-child`,
            content: "The dashboard comes first",
            run: "click",
        },
        {
            trigger: `${panel("class_share")} .o_cc_dashboard_title:contains('Class Share, Last Month')`,
        },
        {
            trigger: `${panel("class_share")} .o_graph_renderer canvas`,
            content: "The share of each class, last month",
        },
        {
            trigger: `${panel("revenue_by_class")} .o_graph_renderer canvas`,
            content: "Revenue by class over the last 12 months",
        },
        {
            trigger: `${panel("migration")} .o_pivot table th:contains('Total')`,
            content: "The migration matrix of the last quarter",
        },
        {
            trigger: `${panel("churn")} .o_graph_renderer canvas`,
            content: "The churn rate month by month",
        },
        {
            trigger: `${panel("overdue")} .o_graph_renderer canvas`,
            content: "The overdue answers by class",
        },
        {
            trigger: `${panel("overdue")} .o_cc_dashboard_link`,
            content: "Open the full report",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb .active:contains('Tracking Records')",
            content: "The report opens in full",
        },
        {
            trigger: ".o_breadcrumb a:contains('Dashboard')",
            content: "Back to the dashboard",
            run: "click",
        },
        {
            trigger: `${panel("migration")} .o_pivot table`,
        },
    ],
});
