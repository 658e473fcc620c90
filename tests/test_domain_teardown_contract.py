"""The teardown custom resource's contract (studio_runtime/contracts/domain_teardown.py): the
Properties model refuses what the handler refused by hand before, with the property named, and
the construct can only send the properties the model declares."""

from __future__ import annotations

import pytest
from studio_runtime.contracts.domain_teardown import HomeEfsRetention, Properties
from studio_runtime.custom_resource import InvalidProperties, parse_properties

VALID = {"DomainId": "d-abc123", "VpcId": "vpc-1", "HomeEfsRetention": "Retain"}


def test_valid_properties_are_read_with_blanks_dropped_and_the_service_token_ignored():
    properties = parse_properties(
        Properties, dict(VALID, DomainId="  d-abc123 ", ServiceToken="arn:aws:lambda:eu-central-1:1:function:p")
    )
    assert (properties.DomainId, properties.VpcId) == ("d-abc123", "vpc-1")
    assert properties.HomeEfsRetention is HomeEfsRetention.RETAIN


@pytest.mark.parametrize(("changes", "message"), [
    ({"DomainId": ""}, "DomainId: String should have at least 1 character"),
    ({"DomainId": "   "}, "DomainId: String should have at least 1 character"),
    ({"VpcId": None}, "VpcId: Input should be a valid string"),
    ({"VpcId": 12}, "VpcId: Input should be a valid string"),
    ({"HomeEfsRetention": "delete"}, "HomeEfsRetention: Input should be 'Retain' or 'Delete'"),
    ({"HomeEfsRetention": "Snapshot"}, "HomeEfsRetention: Input should be 'Retain' or 'Delete'"),
    ({"DomainName": "team1"}, "DomainName: Extra inputs are not permitted"),
])
def test_properties_the_handler_cannot_act_on_are_refused_with_the_property_named(changes, message):
    with pytest.raises(InvalidProperties, match=message):
        parse_properties(Properties, dict(VALID, **changes))


@pytest.mark.parametrize("missing", sorted(VALID))
def test_every_property_is_required(missing):
    given = {key: value for key, value in VALID.items() if key != missing}
    with pytest.raises(InvalidProperties, match=f"{missing}: Field required"):
        parse_properties(Properties, given)


def test_the_construct_side_checks_property_names():
    assert Properties.cfn(DomainId="${Token[1]}", VpcId="vpc-1", HomeEfsRetention="Delete") == {
        "DomainId": "${Token[1]}", "VpcId": "vpc-1", "HomeEfsRetention": "Delete"}
    with pytest.raises(TypeError, match=r"unknown properties \['HomeEfs'\], missing properties \['HomeEfsRetention'\]"):
        Properties.cfn(DomainId="d-1", VpcId="vpc-1", HomeEfs="Delete")
