"""Qt widgets: they draw the core's session and forward a person's actions."""
