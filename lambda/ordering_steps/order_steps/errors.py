"""The failures the ordering workflow tells apart.

Step Functions names a Lambda function's error after the Python exception's class, so the
class names here are the contract (order_records.ORDER_INVALID_ERROR and
TEAMS_FILE_CHANGED_ERROR); every other exception reaches the workflow's catch-all.
"""

from __future__ import annotations

from studio_platform.errors import ConfigError, problems_of


class OrderInvalid(Exception):
    """The order breaks a teams-file rule. The message, one problem per line, is stored as the
    order's failure cause and mailed to the requester."""


class TeamsFileChanged(Exception):
    """Another order wrote the teams file between this step's read and its write: the
    workflow runs the step again, which reads the new file."""


class TeamsFileUnreadable(RuntimeError):
    """The teams file of record is not a teams file any more (too big, not UTF-8, not JSON).
    That is the operator's to fix, not the requester's, so it is not an OrderInvalid."""


class OrderNotApproved(RuntimeError):
    """Register was asked for an order no approver approved: a defect or a race, never a
    reason to touch the teams file."""


def order_invalid(error: ConfigError) -> OrderInvalid:
    """The checker's problems as one OrderInvalid, in the checker's own words."""
    return OrderInvalid("\n".join(str(problem) for problem in problems_of(error)))
