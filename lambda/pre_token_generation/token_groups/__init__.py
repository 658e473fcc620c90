"""The trigger's logic apart from the Lambda entry point: the V2 event model, the team mapping
and the reading of the IdP's groups from the user's attributes."""
