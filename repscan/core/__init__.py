"""The core: config, items, store, rules, classification, the site table; imports nothing above it."""
