from . import customer_code_history
from . import customer_code_series
from . import customer_code_scheme
from . import res_partner
from . import res_partner_industry
from . import res_config_settings
from . import sale_order
