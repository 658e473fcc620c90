"""Converge a budget's notifications to the desired ones; remove them on delete.

The properties are the only source of a team budget's alerts: a notification that is not
desired is deleted (a changed threshold, an alert the teams file dropped, one added by hand,
or one left by the template's former NotificationsWithSubscribers). Notifications are
matched by their identity (type, operator, threshold, threshold type); a moved threshold is
a new notification, so it alerts when the new threshold is crossed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from budget_alerts.api import AlreadyExists, BudgetsApi, NotFound
from budget_alerts.request import DesiredNotification, NotificationKey


@dataclass
class Changes:
    """What a run changed, for the log line and the tests."""

    notifications_created: list[str] = field(default_factory=list)
    notifications_deleted: list[str] = field(default_factory=list)
    subscribers_added: int = 0
    subscribers_removed: int = 0


class BudgetMissing(RuntimeError):
    """Create/Update found no budget: the resource must depend on it."""


def converge(api: BudgetsApi, desired: tuple[DesiredNotification, ...], *, budget_name: str) -> Changes:
    changes = Changes()
    try:
        existing = set(api.notifications())
    except NotFound:
        raise BudgetMissing(
            f"budget {budget_name} does not exist; the notifications resource must depend on the budget"
        ) from None
    wanted = {notification.key for notification in desired}
    # Deletes first: a budget holds at most 5 notifications, the new ones must fit.
    for key in sorted(existing - wanted):
        _delete_notification(api, key, changes)
    for notification in desired:
        if notification.key in existing:
            _converge_subscribers(api, notification, changes)
            continue
        try:
            api.create_notification(notification.key, notification.subscribers)
            changes.notifications_created.append(notification.key.describe())
        except AlreadyExists:
            # Created since the describe (a retried deploy): its subscribers may differ.
            _converge_subscribers(api, notification, changes)
    return changes


def _delete_notification(api: BudgetsApi, key: NotificationKey, changes: Changes) -> None:
    try:
        api.delete_notification(key)
    except NotFound:
        return  # gone already: what a delete wants
    changes.notifications_deleted.append(key.describe())


def _converge_subscribers(api: BudgetsApi, notification: DesiredNotification, changes: Changes) -> None:
    try:
        current = api.subscribers(notification.key)
    except NotFound:
        current = set()  # the notification vanished since the describe
    wanted = set(notification.subscribers)
    if not current & wanted:
        # Nothing to keep: deleting the subscribers one by one would leave a notification
        # without any, which the API refuses, and adding first could pass the per-notification
        # limit; a fresh notification with the desired subscribers avoids both.
        _delete_notification(api, notification.key, changes)
        api.create_notification(notification.key, notification.subscribers)
        changes.notifications_created.append(notification.key.describe())
        return
    # Removals first, so the e-mail limit (10 per notification) holds between the calls;
    # at least one wanted subscriber stays throughout.
    for subscriber in sorted(current - wanted):
        try:
            api.delete_subscriber(notification.key, subscriber)
            changes.subscribers_removed += 1
        except NotFound:
            pass
    for subscriber in sorted(wanted - current):
        try:
            api.create_subscriber(notification.key, subscriber)
            changes.subscribers_added += 1
        except AlreadyExists:
            pass


def remove_managed(api: BudgetsApi, managed: tuple[DesiredNotification, ...]) -> Changes | None:
    """Delete the notifications this resource manages; None when the budget is gone already."""
    changes = Changes()
    try:
        existing = set(api.notifications())
    except NotFound:
        return None
    for notification in managed:
        if notification.key in existing:
            _delete_notification(api, notification.key, changes)
    return changes

