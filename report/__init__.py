from . import customer_report_mixin
from . import customer_strategy_report
from . import customer_cost_report
from . import customer_class_overview_report
from . import customer_class_migration_report
from . import customer_churn_report
