"""scopecheck: US state scope-of-practice law for medical assistants, as cited verdicts.

    from scopecheck import check
    verdict = check("CA", "flu shot", supervision="direct")
    verdict.verdict, verdict.conditions, verdict.citations
"""

from .api import Checker, check
from .errors import RuleFileError, UserError
from .query import Query
from .verdict import Verdict

__all__ = ["Checker", "Query", "RuleFileError", "UserError", "Verdict", "check"]
