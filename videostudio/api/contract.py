"""Facts of the AI/ML API's video contract that several modules share (see the API fact sheet)."""

DEFAULT_BASE_URL = "https://api.aimlapi.com"
# One path for both calls: POST submits a generation, GET with ?generation_id= polls it.
GENERATIONS_PATH = "/v2/video/generations"
BILLING_PATH = "/v2/billing"  # the account's balance, key needed (catalogue_and_billing.md §3)
