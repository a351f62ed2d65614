"""Delivery of notifications: the VAPID keys, the web push sender and the worker that drains the outbox."""
