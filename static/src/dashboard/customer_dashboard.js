import {Component, onWillStart} from "@odoo/owl";
import {makeContext} from "@web/core/context";
import {rpc} from "@web/core/network/rpc";
import {evaluateExpr} from "@web/core/py_js/py";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";
import {useService} from "@web/core/utils/hooks";
import {standardActionServiceProps} from "@web/webclient/actions/action_service";
import {View} from "@web/views/view";

const xmlid = (name) => `customer_classification.${name}`;

/**
 * The panels of the dashboard: the window action each shows (its report model, view and
 * period, in report/customer_classification_dashboard_views.xml) and the report action
 * its link opens in full, with ``reportContext``.
 */
export const PANELS = [
    {
        id: "class_share",
        action: xmlid("customer_classification_dashboard_action_class_share"),
        report: xmlid("customer_class_overview_report_action"),
    },
    {
        id: "revenue_by_class",
        action: xmlid("customer_classification_dashboard_action_revenue"),
        report: xmlid("customer_class_overview_report_action"),
    },
    {
        id: "migration",
        action: xmlid("customer_classification_dashboard_action_migration"),
        report: xmlid("customer_class_migration_report_action"),
    },
    {
        id: "churn",
        action: xmlid("customer_classification_dashboard_action_churn"),
        report: xmlid("customer_churn_report_action"),
    },
    {
        id: "overdue",
        action: xmlid("customer_classification_dashboard_action_overdue"),
        report: xmlid("customer_tracking_record_action"),
        reportContext: {search_default_filter_overdue: 1},
    },
];

/**
 * One panel: the first view of a window action embedded with the View component, as the
 * board addon embeds the actions of a dashboard (board_action.js), under a title and a
 * link to the full report.
 */
export class CustomerDashboardPanel extends Component {
    static template = "customer_classification.DashboardPanel";
    static components = {View};
    static props = {panel: Object};

    setup() {
        this.actionService = useService("action");
        this.title = "";
        this.viewProps = null;
        onWillStart(() => this.loadAction());
    }

    async loadAction() {
        const action = await rpc("/web/action/load", {
            action_id: this.props.panel.action,
        });
        if (!action) {
            return;
        }
        const [viewId, viewType] = action.views[0];
        const context = makeContext([action.context || {}], user.context);
        const domain =
            typeof action.domain === "string"
                ? evaluateExpr(action.domain, {...user.context, ...context})
                : action.domain || [];
        this.title = action.name;
        this.viewProps = {
            resModel: action.res_model,
            type: viewType,
            viewId,
            views: [[viewId, viewType]],
            context,
            domain,
            display: {controlPanel: false},
            useSampleModel: false,
        };
    }

    openReport() {
        const {report, reportContext} = this.props.panel;
        return this.actionService.doAction(report, {
            additionalContext: reportContext || {},
        });
    }
}

/**
 * A manager's dashboard: the classification reports side by side, each one click away
 * from its full report.
 */
export class CustomerClassificationDashboard extends Component {
    static template = "customer_classification.Dashboard";
    static components = {CustomerDashboardPanel};
    static props = {...standardActionServiceProps};

    setup() {
        this.panels = PANELS;
    }
}

registry
    .category("actions")
    .add("customer_classification.dashboard", CustomerClassificationDashboard);
