from . import test_code_pattern
from . import test_code_scheme
from . import test_code_assignment
from . import test_code_uniqueness
from . import test_code_recode
from . import test_code_bulk
from . import test_security
from . import test_ui
