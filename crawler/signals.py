"""Signals of our own. `page_failed` carries every per-page failure to the run ledger."""

# Sent with: url (str), kind (str, an error's `kind`), message (str).
page_failed = object()
