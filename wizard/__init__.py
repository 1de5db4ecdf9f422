from . import customer_code_assign_wizard
from . import customer_code_recode_wizard
from . import customer_classification_override_wizard
