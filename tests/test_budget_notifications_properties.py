"""The budget-notifications contract (studio_runtime/contracts/budget_notifications.py):
the properties as CloudFormation hands them over (every scalar a string) are read, and
whatever the Budgets API would refuse is refused before the first call, with a message
that names the rule and never a subscriber's address."""

from __future__ import annotations

import pytest
from budget_notification_events import LEAD, TOPIC, properties, subscribers

from studio_runtime.contracts.budget_notifications import Properties
from studio_runtime.custom_resource import InvalidProperties, parse_properties


def parsed(props: dict) -> Properties:
    return parse_properties(Properties, props)


def with_first(**change) -> dict:
    """properties() with the first notification changed."""
    props = properties()
    props["Notifications"][0] = {**props["Notifications"][0], **change}
    return props


def refusal(props: dict) -> str:
    with pytest.raises(InvalidProperties) as refused:
        parsed(props)
    return str(refused.value)


def test_strings_from_cloudformation_become_numbers_and_the_defaults_apply():
    props = properties(thresholds=("50.0000004",))
    del props["Notifications"][0]["ThresholdType"]
    first = parsed(props).Notifications[0]
    assert first.Threshold == 50.0  # rounded to 6 decimals, as the API's identity is compared
    assert first.ThresholdType == "PERCENTAGE"
    assert [s.Address for s in first.Subscribers] == [TOPIC, LEAD]


def test_addresses_are_stripped():
    first = parsed(with_first(Subscribers=[{"SubscriptionType": "EMAIL", "Address": f"  {LEAD} "}])).Notifications[0]
    assert first.Subscribers[0].Address == LEAD


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"AccountId": "1234"}, "AccountId: String should match pattern"),
        ({"AccountId": "12345678901a"}, "AccountId: String should match pattern"),
        ({"BudgetName": "a:b"}, "BudgetName: String should match pattern"),
        ({"BudgetName": "a\\b"}, "BudgetName: String should match pattern"),
        ({"BudgetName": "team/action/x"}, "BudgetName: String should match pattern"),
        ({"BudgetName": "b" * 101}, "BudgetName: String should match pattern"),
        ({"BudgetName": ""}, "BudgetName: String should match pattern"),
        ({"Notifications": []}, "Notifications: a budget takes 1..5 notifications, got 0"),
        ({"Notifications": "not a list"}, "Notifications: Input should be a valid list"),
        ({"Unknown": "x"}, "Unknown: Extra inputs are not permitted"),
    ],
)
def test_budget_level_refusals(change, message):
    assert refusal({**properties(), **change}).startswith(message)


def test_more_than_five_notifications_are_refused():
    assert "1..5 notifications, got 6" in refusal(properties(thresholds=("10", "20", "30", "40", "50")))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"NotificationType": "PLANNED"}, "Notifications.0.NotificationType: Input should be 'ACTUAL' or"),
        ({"ComparisonOperator": "ABOVE"}, "Notifications.0.ComparisonOperator: Input should be"),
        ({"ThresholdType": None}, "Notifications.0.ThresholdType: Input should be"),
        ({"Threshold": "eighty"}, "Notifications.0.Threshold: Input should be a valid number"),
        ({"Threshold": "0.05"}, "Notifications.0.Threshold: Input should be greater than or equal to 0.1"),
        ({"Threshold": "1000000001"}, "Notifications.0.Threshold: Input should be less than or equal to"),
        ({"Threshold": "nan"}, "Notifications.0.Threshold: Input should be a finite number"),
        ({"Subscribers": []}, "Notifications.0.Subscribers: List should have at least 1 item"),
        ({"Subscribers": [{"SubscriptionType": "SMS", "Address": LEAD}]}, "Notifications.0.Subscribers.0.Subscri"),
        ({"Subscribers": [{"SubscriptionType": "EMAIL", "Address": "  "}]}, "Notifications.0.Subscribers.0.Address"),
        ({"Subscribers": [{"SubscriptionType": "EMAIL"}]}, "Notifications.0.Subscribers.0.Address: Field required"),
    ],
)
def test_notification_level_refusals(change, message):
    assert refusal(with_first(**change)).startswith(message)


def test_subscriber_quotas_count_distinct_subscribers():
    eleven = tuple(f"u{i}@example.com" for i in range(11))
    message = refusal(properties(thresholds=(), emails=eleven))
    assert message == "Notifications.0: at most 10 e-mail and 1 SNS subscribers per notification, got 11 and 1"
    assert "@example.com" not in message
    ten_and_a_repeat = (*eleven[:10], eleven[0])
    assert len(parsed(properties(thresholds=(), emails=ten_and_a_repeat)).Notifications[0].Subscribers) == 12
    two_topics = subscribers(LEAD) + subscribers(topic=TOPIC + "2")
    assert "got 1 and 2" in refusal(with_first(Subscribers=two_topics))


def test_a_notification_given_twice_is_refused_whatever_the_threshold_spelling():
    message = refusal(properties(thresholds=("80", "80.0000001")))
    assert message == "Notifications: entry 1 repeats the notification ACTUAL GREATER_THAN 80 PERCENTAGE of entry 0"


def test_thresholds_apart_beyond_six_significant_digits_are_distinct():
    # The message formats a threshold with :g (6 significant digits); the identity does not.
    assert len(parsed(properties(thresholds=("1234567", "1234568"))).Notifications) == 3
