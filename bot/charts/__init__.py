"""The timeline as a picture: layout (pure geometry, tested without drawing) and rendering."""
