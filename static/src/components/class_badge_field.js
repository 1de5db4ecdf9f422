import {registry} from "@web/core/registry";
import {BadgeField, badgeField} from "@web/views/fields/badge/badge_field";

/** The class as a badge in the class's own color (``color_field`` option). */
export class ClassBadgeField extends BadgeField {
    static template = "customer_classification.ClassBadgeField";
    static props = {
        ...BadgeField.props,
        colorField: {type: String, optional: true},
    };

    get colorClass() {
        const color =
            this.props.colorField && this.props.record.data[this.props.colorField];
        return `o_tag_color_${color || 0}`;
    }
}

export const classBadgeField = {
    ...badgeField,
    component: ClassBadgeField,
    extractProps(fieldInfo, dynamicInfo) {
        return {
            ...badgeField.extractProps(fieldInfo, dynamicInfo),
            colorField: fieldInfo.options.color_field,
        };
    },
};

registry.category("fields").add("customer_class_badge", classBadgeField);
