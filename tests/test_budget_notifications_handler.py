"""The budget-notifications custom resource driven with Provider-framework events, every
Budgets call checked by botocore's Stubber (parameters and responses against the service
model). moto 5.2.5 lacks DescribeSubscribersForNotification, CreateSubscriber and
DeleteSubscriber, so every update path is proven here; test_budget_notifications_moto.py
runs create and delete against moto's stateful budgets."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber
from budget_notification_events import ACCOUNT, BUDGET, FORECAST, LEAD, PHYSICAL_ID, TOPIC, event, notification
from budget_notification_events import properties, subscribers

from lambda_loader import load_lambda_module
from studio_runtime.custom_resource import InvalidProperties

handler = load_lambda_module("budget_notifications", "handler")
from budget_alerts import api as api_module  # noqa: E402  (the handler's own copies)
from budget_alerts import reconcile  # noqa: E402

SCOPE = {"AccountId": ACCOUNT, "BudgetName": BUDGET}


@pytest.fixture
def budgets():
    client = boto3.client("budgets", region_name="eu-central-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def run(client, evt, **kwargs):
    return handler.handle_event(evt, client=client, **kwargs)


def expect_notifications(stubber, *existing, token=None, next_token=None):
    response = {"Notifications": [{**n, "NotificationState": "OK"} for n in existing]}
    if next_token:
        response["NextToken"] = next_token
    params = {**SCOPE, "MaxResults": 100, **({"NextToken": token} if token else {})}
    stubber.add_response("describe_notifications_for_budget", response, params)


def expect_subscribers(stubber, note, current):
    stubber.add_response(
        "describe_subscribers_for_notification",
        {"Subscribers": current},
        {**SCOPE, "Notification": note, "MaxResults": 100},
    )


def expect(stubber, operation, **params):
    stubber.add_response(operation, {}, {**SCOPE, **params})


def expect_create(stubber, note, current):
    # Subscribers go out sorted by (type, address): EMAIL before SNS.
    ordered = sorted(current, key=lambda s: (s["SubscriptionType"], s["Address"]))
    expect(stubber, "create_notification", Notification=note, Subscribers=ordered)


def test_create_on_a_budget_without_notifications_creates_each_alert(budgets):
    client, stubber = budgets
    expect_notifications(stubber)
    for note in (notification(50), notification(90), FORECAST):
        expect_create(stubber, note, subscribers(LEAD))
    assert run(client, event("Create", properties())) == {"PhysicalResourceId": PHYSICAL_ID}


def test_create_again_with_everything_in_place_changes_nothing(budgets):
    client, stubber = budgets
    expect_notifications(stubber, notification(50), notification(90), FORECAST)
    for note in (notification(50), notification(90), FORECAST):
        expect_subscribers(stubber, note, subscribers(LEAD))
    assert run(client, event("Create", properties())) == {"PhysicalResourceId": PHYSICAL_ID}


def test_a_changed_threshold_replaces_only_that_notification(budgets):
    client, stubber = budgets
    expect_notifications(stubber, notification(50), notification(90), FORECAST)
    expect(stubber, "delete_notification", Notification=notification(50))  # first: at most 5 per budget
    expect_create(stubber, notification(60), subscribers(LEAD))
    expect_subscribers(stubber, notification(90), subscribers(LEAD))
    expect_subscribers(stubber, FORECAST, subscribers(LEAD))
    result = run(client, event("Update", properties(thresholds=("60", "90")), old=properties()))
    assert result == {"PhysicalResourceId": PHYSICAL_ID}  # same id: CloudFormation sends no Delete


def test_an_update_of_the_same_budget_never_changes_the_physical_id(budgets):
    # Whatever id an earlier version returned: a new one would make CloudFormation delete
    # the old one, and with it the alerts just converged.
    client, stubber = budgets
    expect_notifications(stubber, FORECAST)
    expect_subscribers(stubber, FORECAST, subscribers(LEAD))
    evt = {**event("Update", properties(thresholds=()), old=properties()), "PhysicalResourceId": "earlier-id"}
    assert run(client, evt) == {"PhysicalResourceId": "earlier-id"}


def test_an_update_to_another_budget_gets_a_new_physical_id(budgets):
    # CloudFormation then deletes the old id: the old budget's managed alerts go with it.
    client, stubber = budgets
    renamed = {**properties(thresholds=()), "BudgetName": "sagemaker-studio-team9"}
    stubber.add_response("describe_notifications_for_budget", {"Notifications": []},
                         {"AccountId": ACCOUNT, "BudgetName": "sagemaker-studio-team9", "MaxResults": 100})
    stubber.add_response("create_notification", {}, {"AccountId": ACCOUNT, "BudgetName": "sagemaker-studio-team9",
                                                     "Notification": FORECAST, "Subscribers": subscribers(LEAD)[::-1]})
    result = run(client, event("Update", renamed, old=properties()))
    assert result == {"PhysicalResourceId": "budget-notifications:sagemaker-studio-team9"}


def test_an_added_email_is_subscribed_to_every_alert(budgets):
    client, stubber = budgets
    expect_notifications(stubber, notification(50), notification(90), FORECAST)
    for note in (notification(50), notification(90), FORECAST):
        expect_subscribers(stubber, note, subscribers(LEAD))
        expect(stubber, "create_subscriber", Notification=note,
               Subscriber={"SubscriptionType": "EMAIL", "Address": "finance@example.com"})
    props = properties(emails=(LEAD, "finance@example.com"))
    assert run(client, event("Update", props, old=properties())) == {"PhysicalResourceId": PHYSICAL_ID}


def test_a_removed_email_is_unsubscribed_before_any_is_added(budgets):
    client, stubber = budgets
    expect_notifications(stubber, notification(50), notification(90), FORECAST)
    for note in (notification(50), notification(90), FORECAST):
        expect_subscribers(stubber, note, subscribers(LEAD, "left@example.com"))
        expect(stubber, "delete_subscriber", Notification=note,
               Subscriber={"SubscriptionType": "EMAIL", "Address": "left@example.com"})
        expect(stubber, "create_subscriber", Notification=note,
               Subscriber={"SubscriptionType": "EMAIL", "Address": "new@example.com"})
    props = properties(emails=(LEAD, "new@example.com"))
    assert run(client, event("Update", props, old=properties(emails=(LEAD, "left@example.com")))) == {
        "PhysicalResourceId": PHYSICAL_ID
    }


def test_a_removed_threshold_deletes_its_notification(budgets):
    client, stubber = budgets
    expect_notifications(stubber, notification(50), notification(90), FORECAST)
    expect(stubber, "delete_notification", Notification=notification(50))
    expect_subscribers(stubber, notification(90), subscribers(LEAD))
    expect_subscribers(stubber, FORECAST, subscribers(LEAD))
    assert run(client, event("Update", properties(thresholds=("90",)), old=properties())) == {
        "PhysicalResourceId": PHYSICAL_ID
    }


def test_subscribers_with_nothing_in_common_get_a_fresh_notification(budgets):
    # A new topic and new e-mails: removing every subscriber would leave the notification
    # without one, which the API refuses.
    client, stubber = budgets
    new_topic = TOPIC.replace("Topic", "TopicNew")
    expect_notifications(stubber, FORECAST)
    expect_subscribers(stubber, FORECAST, subscribers(LEAD))
    expect(stubber, "delete_notification", Notification=FORECAST)
    expect_create(stubber, FORECAST, subscribers("new@example.com", topic=new_topic))
    props = properties(thresholds=(), emails=("new@example.com",), topic=new_topic)
    assert run(client, event("Update", props, old=properties())) == {"PhysicalResourceId": PHYSICAL_ID}


def test_a_notification_created_by_an_earlier_attempt_gets_its_subscribers_converged(budgets):
    client, stubber = budgets
    expect_notifications(stubber)
    stubber.add_client_error("create_notification", service_error_code="DuplicateRecordException",
                             expected_params={**SCOPE, "Notification": FORECAST, "Subscribers": subscribers()})
    expect_subscribers(stubber, FORECAST, subscribers(LEAD))
    expect(stubber, "delete_subscriber", Notification=FORECAST,
           Subscriber={"SubscriptionType": "EMAIL", "Address": LEAD})
    assert run(client, event("Create", properties(thresholds=(), emails=()))) == {"PhysicalResourceId": PHYSICAL_ID}


def test_notifications_on_later_pages_are_seen(budgets):
    client, stubber = budgets
    expect_notifications(stubber, notification(50), next_token="page-2")
    expect_notifications(stubber, notification(70), token="page-2")
    expect(stubber, "delete_notification", Notification=notification(70))
    expect_subscribers(stubber, notification(50), subscribers())
    expect_create(stubber, FORECAST, subscribers())
    assert run(client, event("Update", properties(thresholds=("50",), emails=()), old=properties())) == {
        "PhysicalResourceId": PHYSICAL_ID
    }


def test_create_fails_clearly_when_the_budget_does_not_exist(budgets):
    client, stubber = budgets
    stubber.add_client_error("describe_notifications_for_budget", service_error_code="NotFoundException",
                             service_message="Unable to get budget: sagemaker-studio-team1")
    with pytest.raises(reconcile.BudgetMissing, match="sagemaker-studio-team1 does not exist"):
        run(client, event("Create", properties()))


def test_delete_removes_the_managed_notifications_and_leaves_others(budgets):
    client, stubber = budgets
    other = notification(120)  # not in the properties: not this resource's to delete
    expect_notifications(stubber, notification(50), other, notification(90), FORECAST)
    for note in (notification(50), notification(90), FORECAST):
        expect(stubber, "delete_notification", Notification=note)
    assert run(client, event("Delete", properties())) == {"PhysicalResourceId": PHYSICAL_ID}


def test_delete_of_a_budget_already_gone_is_done(budgets):
    client, stubber = budgets
    stubber.add_client_error("describe_notifications_for_budget", service_error_code="NotFoundException",
                             expected_params={**SCOPE, "MaxResults": 100})
    assert run(client, event("Delete", properties())) == {"PhysicalResourceId": PHYSICAL_ID}


def test_delete_of_a_notification_gone_meanwhile_is_done(budgets):
    client, stubber = budgets
    expect_notifications(stubber, FORECAST)
    stubber.add_client_error("delete_notification", service_error_code="NotFoundException",
                             expected_params={**SCOPE, "Notification": FORECAST})
    assert run(client, event("Delete", properties(thresholds=()))) == {"PhysicalResourceId": PHYSICAL_ID}


def test_delete_with_properties_that_never_parsed_calls_nothing(budgets):
    client, _ = budgets  # the stubber fails on any call
    broken = {**properties(), "Notifications": "not a list"}
    assert run(client, event("Delete", broken)) == {"PhysicalResourceId": PHYSICAL_ID}


def test_throttled_calls_wait_and_try_again(budgets):
    client, stubber = budgets
    for _ in range(2):
        stubber.add_client_error("describe_notifications_for_budget", service_error_code="ThrottlingException",
                                 service_message="Rate exceeded")
    expect_notifications(stubber)
    stubber.add_client_error("create_notification", service_error_code="ThrottlingException")
    expect_create(stubber, FORECAST, subscribers(LEAD))
    waits = []
    result = run(client, event("Create", properties(thresholds=())), sleep=waits.append)
    assert result == {"PhysicalResourceId": PHYSICAL_ID}
    assert waits == [2.0, 4.0, 2.0]


def test_throttling_that_outlasts_the_time_left_fails_with_a_message(budgets):
    client, stubber = budgets
    for _ in range(2):
        stubber.add_client_error("describe_notifications_for_budget", service_error_code="ThrottlingException")
    waits = []
    seconds_left = iter([60.0, 10.0])  # the second wait would not fit before the Lambda timeout
    with pytest.raises(api_module.StillThrottled, match="throttled describe_notifications_for_budget on 2 attempts"):
        run(client, event("Update", properties()), sleep=waits.append, seconds_left=lambda: next(seconds_left))
    assert waits == [2.0]


def test_other_errors_fail_the_operation(budgets):
    client, stubber = budgets
    expect_notifications(stubber)
    stubber.add_client_error("create_notification", service_error_code="AccessDeniedException",
                             service_message="not authorized to perform budgets:ModifyBudget")
    with pytest.raises(Exception, match="budgets:ModifyBudget"):
        run(client, event("Create", properties(thresholds=())))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"AccountId": "1234"}, "AccountId"),
        ({"BudgetName": "a:b"}, "BudgetName"),
        ({"Notifications": []}, "1..5 notifications"),
    ],
)
def test_invalid_properties_fail_create_before_any_call(budgets, change, message):
    client, _ = budgets
    with pytest.raises(InvalidProperties, match=message):
        run(client, event("Create", {**properties(), **change}))


def test_more_than_ten_emails_or_a_repeated_threshold_is_refused(budgets):
    client, _ = budgets
    with pytest.raises(InvalidProperties, match="at most 10 e-mail"):
        run(client, event("Create", properties(emails=tuple(f"u{i}@example.com" for i in range(11)))))
    with pytest.raises(InvalidProperties, match="repeats the notification"):
        run(client, event("Create", properties(thresholds=("80", "80.0"))))
