"""Renderings of the story for reading outside Discord."""
