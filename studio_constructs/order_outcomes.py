"""Where orders end, as states of the ordering workflow (studio_constructs/ordering_workflow.py).

Each end records the order's status and its history, frees the team name where the order was
never delivered, and tells the requester; a failure of the platform tells the approvers too.
The states are built once each, in the workflow's scope (so their ids are the workflow's).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from studio_constructs.ordering_store import OrderingStore
from studio_platform import names
from studio_runtime import order_records as records

Status = records.Status
DDB = tasks.DynamoAttributeValue
NOW = "$$.State.EnteredTime"


class OrderOutcomes:
    """The ends of an order: `ready`, `rejected`, `expired`, `invalid(step)`, `failed` (and
    `failure_of(step)`, which names the step first); `mark` records a status on the way."""

    def __init__(self, scope: Construct, *, store: OrderingStore, approval_timeout: cdk.Duration) -> None:
        self._scope = scope
        self._store = store
        self._approval_timeout = approval_timeout

    # --- where orders end -------------------------------------------------------------------------

    def ready(self) -> sfn.IChainable:
        if getattr(self, "_ready", None) is None:
            stack = cdk.Stack.of(self._scope)
            parameter = names.LOGIN_PAGE_URL_PARAMETER
            # Read at delivery: the login stack publishes the page's address (a new custom domain
            # reaches the next order without a deploy of this stack).
            read_address = tasks.CallAwsService(
                self._scope,
                "ReadLoginAddress",
                service="ssm",
                action="getParameter",
                iam_action="ssm:GetParameter",
                iam_resources=[stack.format_arn(service="ssm", resource="parameter", resource_name=parameter.lstrip("/"))],
                parameters={"Name": parameter},
                result_selector={"url.$": "$.Parameter.Value"},
                result_path="$.login",
            )
            read_address.add_catch(
                self.failure_of("ReadLoginAddress", self.failed()), errors=[sfn.Errors.ALL], result_path="$.failure"
            )
            login = sfn.JsonPath.format(
                "{}?team={}", sfn.JsonPath.string_at("$.login.url"), sfn.JsonPath.string_at("$.order.team")
            )
            mark = self.mark("MarkReady", Status.READY, {records.Attribute.LOGIN_URL: DDB.from_string(login)})
            message = sfn.JsonPath.format(
                "Your SageMaker Studio domain for team {} is ready.\n\nSign in: {}\n\nOrder {}.",
                sfn.JsonPath.string_at("$.order.team"),
                login,
                sfn.JsonPath.string_at("$.order.order_id"),
            )
            self._ready = read_address.next(mark).next(
                self._notify_requester("NotifyReady", "is ready", message, sfn.Succeed(self._scope, "Delivered"))
            )
        return self._ready

    def rejected(self) -> sfn.IChainable:
        mark = self.mark("MarkRejected", Status.REJECTED, {
            records.Attribute.DECIDED_BY: DDB.from_string(sfn.JsonPath.string_at(f"$.decision.{records.Decision.BY}")),
            records.Attribute.DECISION_REASON: DDB.from_string(sfn.JsonPath.string_at(f"$.decision.{records.Decision.REASON}")),
        })
        message = sfn.JsonPath.format(
            "Your order {} for team {} was rejected by {}: {}",
            sfn.JsonPath.string_at("$.order.order_id"),
            sfn.JsonPath.string_at("$.order.team"),
            sfn.JsonPath.string_at(f"$.decision.{records.Decision.BY}"),
            sfn.JsonPath.string_at(f"$.decision.{records.Decision.REASON}"),
        )
        release = self._release("ReleaseRejectedName")
        return mark.next(release).next(self._notify_requester("NotifyRejected", "was rejected", message, sfn.Succeed(self._scope, "Rejected")))

    def expired(self) -> sfn.IChainable:
        mark = self.mark("MarkExpired", Status.EXPIRED, {}, remove_token=True)
        message = sfn.JsonPath.format(
            "Your order {} for team {} expired: no platform admin answered within "
            f"{int(self._approval_timeout.to_hours())} hours. Order again, or ask the platform team.",
            sfn.JsonPath.string_at("$.order.order_id"),
            sfn.JsonPath.string_at("$.order.team"),
        )
        end = sfn.Fail(self._scope, "Expired", error="ApprovalExpired", cause="No approver answered in time")
        return mark.next(self._release("ReleaseExpiredName")).next(self._notify_requester("NotifyExpired", "expired", message, end))

    def invalid(self, step: str) -> sfn.IChainable:
        # The steps function raised OrderInvalid: Lambda's cause is its JSON error report, whose
        # errorMessage holds the problems, one line each (the stack trace stays out of the mail).
        problems = sfn.Pass(
            self._scope,
            f"Read{step}Problems",
            parameters={"report": sfn.JsonPath.string_to_json(sfn.JsonPath.string_at("$.failure.Cause"))},
            result_path="$.invalid",
        )
        mark = self.mark(
            f"Mark{step}Invalid",
            Status.INVALID,
            self._failure_attributes(step, "$.failure.Error", "$.invalid.report.errorMessage"),
            remove_token=True,
        )
        message = sfn.JsonPath.format(
            "Your order {} for team {} cannot be delivered:\n{}",
            sfn.JsonPath.string_at("$.order.order_id"),
            sfn.JsonPath.string_at("$.order.team"),
            sfn.JsonPath.string_at("$.invalid.report.errorMessage"),
        )
        end = sfn.Fail(self._scope, f"{step}Invalid", error=records.ORDER_INVALID_ERROR, cause="The order breaks a rule of the teams file")
        return problems.next(mark).next(self._release(f"Release{step}InvalidName")).next(
            self._notify_requester(f"Notify{step}Invalid", "cannot be delivered", message, end)
        )

    def failure_of(self, step: str, failed: sfn.IChainable) -> sfn.IChainable:
        """Names the step that failed, then the shared failure path."""
        return sfn.Pass(
            self._scope,
            f"{step}Failed",
            parameters={"step": step, "error.$": "$.failure.Error", "cause.$": "$.failure.Cause"},
            result_path="$.failure",
        ).next(failed)

    def failed(self) -> sfn.IChainable:
        """The one path every failure of the platform takes (built once)."""
        if getattr(self, "_failed", None) is None:
            self._failed = self._build_failed()
        return self._failed

    def _build_failed(self) -> sfn.IChainable:
        mark = self.mark("MarkFailed", Status.FAILED, self._failure_attributes(None, "$.failure.error", "$.failure.cause"), remove_token=True)
        # The approvers get the cause (an AWS error, a build id); the requester the step and error.
        details = sfn.JsonPath.format(
            "Order {} for team {} failed at step {}: {}\n{}\nThe order records it (GET /orders/{}).",
            sfn.JsonPath.string_at("$.order.order_id"),
            sfn.JsonPath.string_at("$.order.team"),
            sfn.JsonPath.string_at("$.failure.step"),
            sfn.JsonPath.string_at("$.failure.error"),
            sfn.JsonPath.string_at("$.failure.cause"),
            sfn.JsonPath.string_at("$.order.order_id"),
        )
        message = sfn.JsonPath.format(
            "Your order {} for team {} failed at step {}: {}. The platform team has been told.",
            sfn.JsonPath.string_at("$.order.order_id"),
            sfn.JsonPath.string_at("$.order.team"),
            sfn.JsonPath.string_at("$.failure.step"),
            sfn.JsonPath.string_at("$.failure.error"),
        )
        tell_approvers = tasks.SnsPublish(
            self._scope,
            "NotifyApproversOfFailure",
            topic=self._store.approvers_topic,
            subject="SageMaker Studio order failed",
            message=sfn.TaskInput.from_text(details),
            result_path=sfn.JsonPath.DISCARD,
        )
        end = sfn.Fail(self._scope, "Failed", error="OrderFailed", cause="A step of the order failed; the order records which and why")
        return mark.next(tell_approvers).next(self._notify_requester("NotifyFailed", "failed", message, end))

    # --- building blocks --------------------------------------------------------------------------

    @staticmethod
    def _failure_attributes(step: str | None, error_path: str, cause_path: str) -> dict[str, tasks.DynamoAttributeValue]:
        return {
            records.Attribute.FAILURE: DDB.from_map({
                "step": DDB.from_string(step if step else sfn.JsonPath.string_at("$.failure.step")),
                "error": DDB.from_string(sfn.JsonPath.string_at(error_path)),
                "cause": DDB.from_string(sfn.JsonPath.string_at(cause_path)),
            })
        }

    def mark(
        self, state_id: str, status: str, attributes: dict[str, tasks.DynamoAttributeValue], *, remove_token: bool = False
    ) -> sfn.Chain:
        """The order's status (and attributes) set, and the step written to its history."""
        names = {"#status": records.Attribute.STATUS, "#updated": records.Attribute.UPDATED_AT}
        values = {":status": DDB.from_string(status), ":now": DDB.from_string(sfn.JsonPath.string_at(NOW))}
        sets = ["#status = :status", "#updated = :now"]
        for index, (name, value) in enumerate(attributes.items()):
            names[f"#a{index}"] = name
            values[f":a{index}"] = value
            sets.append(f"#a{index} = :a{index}")
        expression = "SET " + ", ".join(sets)
        if remove_token:
            names["#token"] = records.Attribute.TASK_TOKEN
            expression += " REMOVE #token"
        update = tasks.DynamoUpdateItem(
            self._scope,
            state_id,
            table=self._store.table,
            key=self._key(records.order_key),
            update_expression=expression,
            expression_attribute_names=names,
            expression_attribute_values=values,
            result_path=sfn.JsonPath.DISCARD,
        )
        history = tasks.DynamoPutItem(
            self._scope,
            f"{state_id}History",
            table=self._store.table,
            item={
                records.PARTITION_KEY: DDB.from_string(sfn.JsonPath.format("ORDER#{}", sfn.JsonPath.string_at("$.order.order_id"))),
                records.SORT_KEY: DDB.from_string(f"{records.EVENT_PREFIX}{state_id.removeprefix('Mark')}"),
                records.Event.STATUS: DDB.from_string(status),
                records.Event.AT: DDB.from_string(sfn.JsonPath.string_at(NOW)),
                records.Event.BY: DDB.from_string(records.WORKFLOW),
            },
            result_path=sfn.JsonPath.DISCARD,
        )
        return update.next(history)

    def _release(self, state_id: str) -> tasks.DynamoDeleteItem:
        """The team name is free again (only if this order holds it)."""
        return tasks.DynamoDeleteItem(
            self._scope,
            state_id,
            table=self._store.table,
            key={
                records.PARTITION_KEY: DDB.from_string(sfn.JsonPath.format("TEAM#{}", sfn.JsonPath.string_at("$.order.team"))),
                records.SORT_KEY: DDB.from_string(records.TEAM_SORT),
            },
            condition_expression="attribute_not_exists(#pk) OR #holder = :order",
            expression_attribute_names={"#pk": records.PARTITION_KEY, "#holder": records.Attribute.ORDER_ID},
            expression_attribute_values={":order": DDB.from_string(sfn.JsonPath.string_at("$.order.order_id"))},
            result_path=sfn.JsonPath.DISCARD,
        )

    def _key(self, key_of) -> dict[str, tasks.DynamoAttributeValue]:
        template = key_of("{}")
        return {
            name: DDB.from_string(sfn.JsonPath.format(value, sfn.JsonPath.string_at("$.order.order_id")) if "{}" in value else value)
            for name, value in template.items()
        }

    def _notify_requester(self, state_id: str, what: str, message: str, then: sfn.IChainable) -> sfn.IChainable:
        """An e-mail to the requester's own subscription, when the order has their address."""
        publish = tasks.SnsPublish(
            self._scope,
            state_id,
            topic=self._store.updates_topic,
            subject=f"SageMaker Studio order {what}",
            message=sfn.TaskInput.from_text(message),
            message_attributes={
                records.REQUESTER_ATTRIBUTE: tasks.MessageAttribute(
                    value=sfn.JsonPath.string_at("$.order.requester_email"),
                    data_type=tasks.MessageAttributeDataType.STRING,
                )
            },
            result_path=sfn.JsonPath.DISCARD,
        )
        publish.next(then)
        return (
            sfn.Choice(self._scope, f"{state_id}HasAddress?")
            .when(
                sfn.Condition.and_(
                    sfn.Condition.is_present("$.order.requester_email"), sfn.Condition.is_string("$.order.requester_email")
                ),
                publish,
            )
            .otherwise(then)
        )
