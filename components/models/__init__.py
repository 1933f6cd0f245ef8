"""Finding a model: the model browser and a model's sheet."""
