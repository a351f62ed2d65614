"""The domain: model, policy, lifecycle and use cases. Knows nothing of HTTP."""
