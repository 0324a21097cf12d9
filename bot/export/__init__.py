"""Renderings of what the store returns, for people outside Discord (the HTML page)."""
