"""Accounts: the User (e-mail login, role, e-mail preference), sign-up and log-in.

Imports nothing from the other apps: every app may depend on this one.
"""
