"""Drawing a model's form: the schema form, the widget registry, the media inputs, putting saved settings back, and the
API's refusals on their fields.
"""
