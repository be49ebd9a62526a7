"""Helpers the page modules share (values, dates, URLs, JSON, schema.org, review cards, search results); no sites."""
