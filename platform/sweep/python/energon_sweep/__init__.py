"""energon-sweep: design-space sweeps over the Energon virtual platform (docs/sweeps.md)."""
FORMAT = "energon-sweep/1"
