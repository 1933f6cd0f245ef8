"""Films: a storyboard of shots made into one film (the film, its store, the plan, the making, the assembly)."""
