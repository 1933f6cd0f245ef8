"""Copy as code: the exact request of a job or a form, as cURL, Python and JavaScript."""
