"""Renderers of what a desk publishes: pure functions from records to bytes."""
