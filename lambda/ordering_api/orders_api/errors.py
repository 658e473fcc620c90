"""Every failure becomes one (status, message, code, log reason): the mapping lives here only.

A decided outcome (OrderingError) carries its own message, which may name the order's fields
or the team; any other exception gets a fixed message, so nothing from an AWS error or a stack
reaches the caller. Clients switch on `code`, never on `message`.
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from botocore.exceptions import BotoCoreError, ClientError

from studio_runtime.api_failures import UNAVAILABLE, Failure, transient_failure
from studio_runtime.aws_errors import ErrorKind, classify, error_code


UNAUTHORIZED = "unauthorized"
FORBIDDEN = "forbidden"
NOT_A_REQUESTER = "not_a_requester"
NOT_AN_APPROVER = "not_an_approver"
OWN_ORDER = "own_order"
INVALID_JSON = "invalid_json"
INVALID_ORDER = "invalid_order"
INVALID_ORDER_ID = "invalid_order_id"
INVALID_PAGE = "invalid_page"
INVALID_LIMIT = "invalid_limit"
INVALID_STATUS = "invalid_status"
REASON_REQUIRED = "reason_required"
INVALID_REASON = "invalid_reason"
TEAM_TAKEN = "team_taken"
TEAM_ORDERED = "team_ordered"
ORDER_NOT_FOUND = "order_not_found"
NOT_AWAITING_APPROVAL = "not_awaiting_approval"
APPROVAL_CLOSED = "approval_closed"
ROUTE_NOT_FOUND = "route_not_found"
UPSTREAM_ERROR = "upstream_error"
INTERNAL_ERROR = "internal_error"


class OrderingError(Exception):
    """A decided outcome the caller may know. `reason` is a finer tag for the log line only."""

    status = 500
    code = INTERNAL_ERROR
    default_message = "Internal error"

    def __init__(self, reason: str, message: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message or self.default_message


class Unauthorized(OrderingError):
    status = 401
    code = UNAUTHORIZED
    default_message = "Unauthorized"


class Forbidden(OrderingError):
    status = 403
    code = FORBIDDEN
    default_message = "Forbidden"


class NotARequester(OrderingError):
    status = 403
    code = NOT_A_REQUESTER
    default_message = "Only requesters may order a team"


class NotAnApprover(OrderingError):
    status = 403
    code = NOT_AN_APPROVER
    default_message = "Only approvers may decide an order"


class OwnOrder(OrderingError):
    status = 403
    code = OWN_ORDER
    default_message = "An approver may not decide their own order"


class InvalidJson(OrderingError):
    status = 400
    code = INVALID_JSON
    default_message = "The body must be a JSON object"


class InvalidOrderId(OrderingError):
    status = 400
    code = INVALID_ORDER_ID
    default_message = "The order id must be a UUID"


class InvalidPage(OrderingError):
    status = 400
    code = INVALID_PAGE
    default_message = "Invalid `next` token; start again without it"


class InvalidLimit(OrderingError):
    status = 400
    code = INVALID_LIMIT
    default_message = "`limit` must be a whole number from 1 to 100"


class InvalidStatus(OrderingError):
    status = 400
    code = INVALID_STATUS
    default_message = "Unknown order status"


class ReasonRequired(OrderingError):
    status = 400
    code = REASON_REQUIRED
    default_message = "A rejection needs a reason of 1 to 1000 characters"


class InvalidReason(OrderingError):
    status = 400
    code = INVALID_REASON
    default_message = "`reason` must be text of at most 1000 characters"


class TeamTaken(OrderingError):
    status = 409
    code = TEAM_TAKEN
    default_message = "The team name is taken"


class TeamOrdered(OrderingError):
    status = 409
    code = TEAM_ORDERED
    default_message = "The team is already ordered"


class OrderNotFound(OrderingError):
    status = 404
    code = ORDER_NOT_FOUND
    default_message = "Order not found"


class NotAwaitingApproval(OrderingError):
    status = 409
    code = NOT_AWAITING_APPROVAL
    default_message = "The order is not awaiting approval"


class ApprovalClosed(OrderingError):
    status = 409
    code = APPROVAL_CLOSED
    default_message = "The approval has closed: the workflow no longer waits for it"


class WorkflowNotStarted(OrderingError):
    status = 503
    code = UNAVAILABLE
    default_message = "The order could not be started; please order again later"


class InvalidOrder(OrderingError):
    status = 400
    code = INVALID_ORDER

    def __init__(self, problems: list[str]) -> None:
        super().__init__("order_invalid", "\n".join(problems))
        self.problems = problems


class AwsCallFailed(Exception):
    """An AWS error with its message dropped: raised where the message may echo a secret (a task token)."""

    def __init__(self, *, operation: str, code: str, kind: ErrorKind) -> None:
        super().__init__(f"{operation} failed: {code}")
        self.operation_name = operation
        self.code = code
        self.kind = kind


def failure_for(error: BaseException) -> Failure:
    """Map any exception raised while serving a request to the response the caller gets."""
    if isinstance(error, InvalidOrder):
        return Failure(error.status, error.message, error.code, error.reason, extra={"problems": error.problems})
    if isinstance(error, OrderingError):
        return Failure(error.status, error.message, error.code, error.reason)
    if isinstance(error, NotFoundError):
        return Failure(404, "Not found", ROUTE_NOT_FOUND, "route_not_found")
    if isinstance(error, AwsCallFailed):
        kind, operation, code = error.kind, error.operation_name, error.code
    else:
        kind, operation, code = classify(error), getattr(error, "operation_name", ""), error_code(error)
    transient = transient_failure(kind, operation=operation, code=code, unreachable=operation)
    if transient is not None:
        return transient
    if isinstance(error, (ClientError, AwsCallFailed)):
        return Failure(502, "Upstream service error", UPSTREAM_ERROR, f"aws_error:{operation}:{code}")
    if isinstance(error, BotoCoreError):
        # Parameter validation, credentials, ...: a defect of this function, not of the caller.
        return Failure(500, "Internal error", INTERNAL_ERROR, f"botocore:{type(error).__name__}")
    return Failure(500, "Internal error", INTERNAL_ERROR, f"unexpected:{type(error).__name__}")
