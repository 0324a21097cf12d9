"""Rendering (embeds within Discord's limits) and views (pagers)."""
