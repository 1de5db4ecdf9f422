import {onWillStart} from "@odoo/owl";
import {user} from "@web/core/user";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {kanbanView} from "@web/views/kanban/kanban_view";
import {KanbanRenderer} from "@web/views/kanban/kanban_renderer";

const CLASS_FIELD = "customer_class_id";

/**
 * Customers by class. The class is computed, so a card dropped on another column is not
 * written: the Override wizard opens with that class, asks for the reason, and the board
 * reloads when it is applied (the card moves); cancelled, the card stays where it was.
 */
export class CustomerClassKanbanRenderer extends KanbanRenderer {
    setup() {
        super.setup();
        this.action = useService("action");
        this.orm = useService("orm");
        this.canOverride = false;
        onWillStart(async () => {
            this.canOverride = await user.hasGroup(
                "customer_classification.group_manager"
            );
        });
    }

    get byClass() {
        return (
            this.props.list.isGrouped &&
            this.props.list.groupByField.name === CLASS_FIELD
        );
    }

    get canMoveRecords() {
        return this.byClass ? this.canOverride : super.canMoveRecords;
    }

    async sortRecordDrop(dataRecordId, dataGroupId, params) {
        if (!this.byClass) {
            return super.sortRecordDrop(...arguments);
        }
        const {parent} = params;
        parent?.classList.remove("o_kanban_hover");
        const groups = this.props.list.groups;
        const source = groups.find((group) => group.id === dataGroupId);
        const target = groups.find((group) => group.id === parent?.dataset.id);
        const record = source?.list.records.find((rec) => rec.id === dataRecordId);
        if (!record || !target || target === source || !target.value) {
            return;
        }
        const action = await this.orm.call(
            "res.partner",
            "action_open_classification_override",
            [[record.resId]]
        );
        await this.action.doAction(action, {
            additionalContext: {default_class_id: target.value},
            // cancelled: nothing changed, the card never left its column
            onClose: (info) =>
                info?.special ? undefined : this.props.list.model.load(),
        });
    }
}

export const customerClassKanbanView = {
    ...kanbanView,
    Renderer: CustomerClassKanbanRenderer,
};

registry.category("views").add("customer_class_kanban", customerClassKanbanView);
