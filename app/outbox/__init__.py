"""Outgoing mail: every message is stored first, then sent by SMTP when a server is configured."""
