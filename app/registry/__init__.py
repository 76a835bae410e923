"""The county's registry: townships, villages, registered households, producers and benefit links."""
