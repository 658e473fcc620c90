"""update_safety on small hand-written template pairs: it must see each kind of change."""

from __future__ import annotations

import copy

import pytest

from update_safety import ADDED, REMOVED, REPLACED, UPDATED, create_only_pointers, plan_update
from update_safety_rules import Case, loses_state, violations

REGION = "eu-central-1"


def template(resources: dict, outputs: dict | None = None) -> dict:
    return {"Resources": copy.deepcopy(resources), **({"Outputs": copy.deepcopy(outputs)} if outputs else {})}


def network(cidr: str = "10.0.0.0/16", subnet_cidr: str = "10.0.0.0/24") -> dict:
    return {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": cidr, "Tags": [{"Key": "Name", "Value": "a"}]}},
        "Subnet": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": subnet_cidr, "AvailabilityZone": "eu-central-1a"},
        },
        "Routes": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Association": {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"SubnetId": {"Ref": "Subnet"}, "RouteTableId": {"Ref": "Routes"}},
        },
        "FlowLogRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {"Statement": []},
                "Policies": [{"PolicyName": "p", "PolicyDocument": {"Resource": {"Fn::Sub": "arn:aws:ec2:::vpc/${Vpc}"}}}],
            },
        },
    }


def plan(before: dict, after: dict):
    return plan_update({"s": before}, {"s": after}, region=REGION)


def actions(result) -> dict[str, str]:
    return {change.logical_id: change.action for change in result.changes}


def test_identical_templates_plan_nothing():
    assert plan(template(network()), template(network())).changes == ()


def test_a_create_only_change_replaces_and_cascades_through_ref_getatt_and_sub():
    result = plan(template(network()), template(network(cidr="10.1.0.0/16")))
    # Subnet and route table name the VPC in a create-only VpcId; the association names both;
    # the role only mentions the VPC in a policy (Fn::Sub), which updates in place.
    assert actions(result) == {
        "Vpc": REPLACED,
        "Subnet": REPLACED,
        "Routes": REPLACED,
        "Association": REPLACED,
        "FlowLogRole": UPDATED,
    }
    assert "create-only /CidrBlock changed (/CidrBlock)" in result.find("s", "Vpc").why
    assert result.find("s", "Association").why.startswith("create-only /SubnetId references replaced Subnet")
    assert result.find("s", "FlowLogRole").why == "references replaced Vpc"


def test_a_tag_change_updates_in_place():
    after = network()
    after["Vpc"]["Properties"]["Tags"][0]["Value"] = "b"
    assert actions(plan(template(network()), template(after))) == {"Vpc": UPDATED}


def test_a_changed_logical_id_removes_and_adds():
    after = network()
    after["Subnet2"] = after.pop("Subnet")
    after["Association"]["Properties"]["SubnetId"] = {"Ref": "Subnet2"}
    assert actions(plan(template(network()), template(after))) == {
        "Subnet": REMOVED,
        "Subnet2": ADDED,
        "Association": REPLACED,
    }


def test_a_changed_type_replaces():
    after = network()
    after["FlowLogRole"]["Type"] = "AWS::IAM::User"
    assert plan(template(network()), template(after)).find("s", "FlowLogRole").action == REPLACED


def test_array_item_pointers_match_each_item():
    def manager(definitions: list) -> dict:
        return {"M": {"Type": "AWS::SSMQuickSetup::ConfigurationManager", "Properties": {"ConfigurationDefinitions": definitions}}}

    # createOnlyProperties: /ConfigurationDefinitions/*/Type and /*/TypeVersion only.
    assert "/ConfigurationDefinitions/*/Type" in create_only_pointers("AWS::SSMQuickSetup::ConfigurationManager", REGION)
    one = {"Type": "AWSQuickSetupType-PatchPolicy", "TypeVersion": "1.0", "Parameters": {"a": "1"}}
    two = {"Type": "AWSQuickSetupType-SSMHostMgmt", "TypeVersion": "1.0", "Parameters": {}}
    base = template(manager([one, two]))
    parameters = template(manager([one, {**two, "Parameters": {"b": "2"}}]))
    second_type = template(manager([one, {**two, "Type": "AWSQuickSetupType-DHMC"}]))
    appended = template(manager([one, two, {**two, "TypeVersion": "2.0"}]))
    assert plan(base, parameters).find("s", "M").action == UPDATED
    assert plan(base, second_type).find("s", "M").why == (
        "create-only /ConfigurationDefinitions/*/Type changed (/ConfigurationDefinitions/1/Type)"
    )
    assert plan(base, appended).find("s", "M").action == REPLACED


def test_conditional_create_only_properties_count_as_replacement():
    def domain(vpc: str) -> dict:
        return {"D": {"Type": "AWS::SageMaker::Domain", "Properties": {"DomainName": "t", "VpcId": vpc}}}

    assert plan(template(domain("vpc-1")), template(domain("vpc-2"))).find("s", "D").action == REPLACED


def test_custom_resources_update_even_when_the_service_token_changes():
    def custom(token: str) -> dict:
        return {"C": {"Type": "Custom::Thing", "Properties": {"ServiceToken": token, "Name": "x"}}}

    assert actions(plan(template(custom("arn:1")), template(custom("arn:2")))) == {"C": UPDATED}


def test_metadata_is_ignored_and_an_asset_hash_is_an_update():
    def function(key: str, metadata: dict) -> dict:
        properties = {"Code": {"S3Bucket": "b", "S3Key": key}, "Role": "r", "FunctionName": "f"}
        return {
            "F": {"Type": "AWS::Lambda::Function", "Properties": properties, "Metadata": metadata},
            "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": metadata.get("v", "")}},
        }

    hash_a, hash_b = "a" * 64 + ".zip", "b" * 64 + ".zip"
    assert plan(template(function(hash_a, {"v": "1"})), template(function(hash_a, {"v": "2"}))).changes == ()
    assert actions(plan(template(function(hash_a, {})), template(function(hash_b, {})))) == {"F": UPDATED}


def test_a_replacement_crosses_stacks_through_exports_and_blocks_the_export():
    outputs = {"VpcId": {"Value": {"Ref": "Vpc"}, "Export": {"Name": "net:VpcId"}}}
    consumer = template({"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
        "GroupDescription": "d", "VpcId": {"Fn::ImportValue": "net:VpcId"}}}})
    result = plan_update(
        {"net": template(network(), outputs), "app": consumer},
        {"net": template(network(cidr="10.9.0.0/16"), outputs), "app": consumer},
        region=REGION,
    )
    assert result.find("app", "Sg").why == "create-only /VpcId reads changed export net:VpcId"
    [conflict] = result.export_conflicts
    assert (conflict.stack, conflict.export_name, conflict.importers) == ("net", "net:VpcId", ("app",))


def test_a_weak_read_follows_the_value_but_blocks_nothing():
    outputs = {"VpcOut": {"Value": {"Ref": "Vpc"}}}
    read = {"Fn::GetStackOutput": {"StackName": "net", "Region": REGION, "OutputName": "VpcOut"}}
    consumer = template({"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "d", "VpcId": read}}})
    result = plan_update(
        {"net": template(network(), outputs), "app": consumer},
        {"net": template(network(cidr="10.9.0.0/16")), "app": consumer},
        region=REGION,
    )
    assert result.find("app", "Sg").why == "create-only /VpcId reads changed output net/VpcOut"
    assert result.export_conflicts == ()


def test_removing_an_imported_export_is_a_conflict_and_stacks_come_and_go_whole():
    outputs = {"VpcId": {"Value": {"Ref": "Vpc"}, "Export": {"Name": "net:VpcId"}}}
    consumer = template({"T": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Fn::ImportValue": "net:VpcId"}}}})
    result = plan_update(
        {"net": template(network(), outputs), "old": consumer},
        {"net": template(network()), "new": consumer},
        region=REGION,
    )
    assert [c.why for c in result.export_conflicts] == ["is removed"]
    assert result.removed_stacks == ("old",) and result.added_stacks == ("new",)
    assert [(c.stack, c.action) for c in result.changes] == [("new", ADDED)]


def test_a_type_without_schema_is_refused_not_passed():
    unknown = template({"X": {"Type": "AWS::Nope::Thing", "Properties": {"A": 1}}})
    with pytest.raises(KeyError, match="AWS::Nope::Thing has no registry schema"):
        plan(unknown, template({"X": {"Type": "AWS::Nope::Thing", "Properties": {"A": 2}}}))


def test_the_rule_flags_lost_state_fixed_names_and_other_teams():
    before = {"Keep": {"Type": "AWS::IAM::Role", "Properties": {"Path": "/"}},
              "Named": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "r", "Path": "/"}}}
    after = {name: {**r, "Properties": {**r["Properties"], "Path": "/x/"}} for name, r in before.items()}
    team_a = template({"T": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "a"}}})
    team_b_after = template({"T": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "b"}}})
    old = {"sagemaker-studio-stack-a": team_a, "sagemaker-studio-stack-b": team_a, "infra": template(before)}
    new = {"sagemaker-studio-stack-a": team_b_after, "sagemaker-studio-stack-b": team_b_after, "infra": template(after)}
    result = plan_update(old, new, region=REGION)
    assert [c.logical_id for c in result.changes if loses_state(c)] == ["Named"]
    case = Case(id="t", before=lambda d: {}, after=lambda d: {}, teams=("a",))
    found = violations(case, result, old, new)
    assert found[0].startswith("loses state: infra/Named (AWS::IAM::Role) replaced: create-only /Path changed")
    assert [line.split(",")[0] for line in found[1:]] == [
        "touches infra", "touches sagemaker-studio-stack-b"
    ]


def test_a_budget_notification_change_replaces_the_budget_and_loses_state():
    # The shape TeamBudget had before its notifications moved into a custom resource.
    def budget(threshold: int) -> dict:
        notification = {"ComparisonOperator": "GREATER_THAN", "NotificationType": "ACTUAL", "Threshold": threshold}
        return {"B": {"Type": "AWS::Budgets::Budget", "Properties": {
            "Budget": {"BudgetName": "sagemaker-studio-t", "BudgetType": "COST", "TimeUnit": "MONTHLY",
                       "BudgetLimit": {"Amount": 100, "Unit": "USD"}},
            "NotificationsWithSubscribers": [{"Notification": notification, "Subscribers": []}]}}}

    [change] = plan(template(budget(80)), template(budget(90))).changes
    assert change.why == "create-only /NotificationsWithSubscribers changed (/NotificationsWithSubscribers)"
    assert loses_state(change)
    limit = template(budget(80))
    limit["Resources"]["B"]["Properties"]["Budget"]["BudgetLimit"]["Amount"] = 200
    assert actions(plan(template(budget(80)), limit)) == {"B": UPDATED}


def test_a_team_change_may_not_add_or_remove_another_stack():
    stack = template({"T": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "a"}}})
    old = {"sagemaker-studio-stack-a": stack, "sagemaker-studio-stack-b": stack}
    new = {"sagemaker-studio-stack-c": stack}
    result = plan_update(old, new, region=REGION)
    case = Case(id="t", before=lambda d: {}, after=lambda d: {}, teams=("a",))
    assert violations(case, result, old, new) == [
        "removes sagemaker-studio-stack-b, outside the change's teams",
        "adds sagemaker-studio-stack-c, outside the change's teams",
    ]
