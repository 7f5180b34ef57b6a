"""Outgoing e-mail: an outbox table filled by services, delivered by `flask outbox send`."""
