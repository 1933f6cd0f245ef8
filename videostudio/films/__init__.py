"""Films: a storyboard of shots made into one film: the film, its store, the plan of what to (re)make, the making,
and the assembly (shots in order, narration over each, music under the whole)."""
