"""Notifications: what a person is told (in the app, and by web push on the devices they chose), and how."""
