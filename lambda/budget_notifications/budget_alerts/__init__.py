"""Keeps an AWS Budget's notifications and subscribers as the custom resource's properties say."""
