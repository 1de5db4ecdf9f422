from . import customer_code_assign_wizard
from . import customer_code_recode_wizard
from . import customer_classification_override_wizard
from . import customer_standard_copy_wizard
from . import customer_standard_preview
from . import customer_standard_preview_line
from . import customer_standard_preview_partner
from . import base_partner_merge
