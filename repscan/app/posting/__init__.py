"""Posting approved replies through the platforms' official APIs (one module a platform, base.py the contract)."""
